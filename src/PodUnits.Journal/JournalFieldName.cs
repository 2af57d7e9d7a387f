using System.Text;

namespace PodUnits.Journal;

/// <summary>
/// A journal field name that journald accepts: 1 to 64 characters of A-Z, 0-9 and '_', not
/// starting with a digit, and (for a client) not starting with '_', which marks the fields
/// journald itself adds (journal_field_valid() in systemd's journal-file.c; journald ignores
/// a client's invalid names without telling anyone). Invalid names are therefore never sent:
/// they are normalised, and the rename is visible through <see cref="WasNormalised"/>.
/// Create the names a caller uses often once and reuse them: the UTF-8 bytes are ready.
/// </summary>
public sealed class JournalFieldName
{
    /// <summary>journald rejects longer names.</summary>
    public const int MaxLength = 64;

    public static readonly JournalFieldName Message = new("MESSAGE");
    public static readonly JournalFieldName MessageId = new("MESSAGE_ID");
    public static readonly JournalFieldName Priority = new("PRIORITY");
    public static readonly JournalFieldName SyslogIdentifier = new("SYSLOG_IDENTIFIER");

    private JournalFieldName(string name, bool wasNormalised = false)
    {
        Name = name;
        Utf8 = Encoding.ASCII.GetBytes(name);
        WasNormalised = wasNormalised;
    }

    /// <summary>The name as sent (valid by construction).</summary>
    public string Name { get; }

    /// <summary>True when the requested name was invalid and <see cref="Name"/> is its normalised form.</summary>
    public bool WasNormalised { get; }

    internal byte[] Utf8 { get; }

    /// <summary>The field name for <paramref name="name"/>, normalised when invalid (see <see cref="Normalise"/>).</summary>
    public static JournalFieldName Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsValid(name) ? new JournalFieldName(name) : new JournalFieldName(Normalise(name), wasNormalised: true);
    }

    /// <summary>Whether journald accepts <paramref name="name"/> from a client as it is.</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxLength || name[0] == '_' || char.IsAsciiDigit(name[0]))
        {
            return false;
        }
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Turns any text into a valid name: ASCII letters upper-cased, every other invalid
    /// character replaced by '_', leading underscores removed, "F_" put in front of a leading
    /// digit, "UNNAMED" for nothing left, cut to 64 characters. Deterministic, so the same
    /// property always lands in the same field.
    /// </summary>
    public static string Normalise(ReadOnlySpan<char> name)
    {
        var mapped = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            mapped.Append(char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c)
                : char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) ? c : '_');
        }
        // Leading underscores (given or from replaced characters) would make it a trusted field.
        string text = mapped.ToString().TrimStart('_');
        if (text.Length == 0)
        {
            return "UNNAMED";
        }
        if (char.IsAsciiDigit(text[0]))
        {
            text = "F_" + text;
        }
        return text.Length > MaxLength ? text[..MaxLength] : text;
    }

    public override string ToString() => Name;
}
