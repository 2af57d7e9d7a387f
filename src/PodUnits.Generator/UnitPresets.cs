using System.Buffers;
using System.Text;

namespace PodUnits.Generator;

/// <summary>What a preset rule says about a unit (systemd.preset(5)).</summary>
public enum PresetAction
{
    Enable,
    Disable,
}

/// <summary>
/// The preset policy (systemd.preset(5)) read as systemd 252 reads it (src/shared/install.c: read_presets,
/// query_presets, pattern_match_multiple_instances), so the administrator's and the distribution's presets
/// can decide whether a vendor pod starts at boot. Written by hand because systemd offers no way to ask:
/// libsystemd has no preset call, and `systemctl preset` applies the outcome but cannot say whether a rule
/// matched or its "enable" default for unmatched units applied. Here no rule is null; the caller decides.
/// </summary>
public sealed class UnitPresets
{
    /// <summary>systemd's system-scope preset directories, highest priority first.</summary>
    public static readonly IReadOnlyList<string> SystemDirectories =
        ["/etc/systemd/system-preset", "/run/systemd/system-preset", "/usr/local/lib/systemd/system-preset", "/usr/lib/systemd/system-preset"];

    // systemd's WHITESPACE: strstrip, first_word and strv_split use these four, not Unicode's set.
    private static readonly char[] Whitespace = [' ', '\t', '\n', '\r'];
    private static readonly string[] UnitTypes =
        ["service", "mount", "swap", "socket", "target", "device", "automount", "timer", "path", "slice", "scope"];
    private static readonly SearchValues<char> UnitNameChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:-_.\\@");
    // conf_files_list sorts with strcmp, by UTF-8 bytes; ordinal UTF-16 order differs beyond U+FFFF.
    private static readonly Comparer<string> FileNameOrder =
        Comparer<string>.Create(static (a, b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));

    private readonly List<Rule> _rules;

    private UnitPresets(List<Rule> rules) => _rules = rules;

    private enum NameKind { Invalid, Plain, Instance, Template }

    /// <summary>
    /// Reads the *.preset entries of <paramref name="directories"/> (highest priority first) as conf_files_list
    /// does: a name seen in an earlier directory hides it in later ones whatever the entry is (so a symlink to
    /// /dev/null masks and adds no rules), hidden entries are skipped, and the survivors are read in order of
    /// file name across directories. A missing directory adds nothing, as in systemd; so does an unreadable
    /// directory or file (which still hides its name), where systemd would refuse to preset at all: one bad
    /// file must not cost a boot its pods.
    /// </summary>
    public static UnitPresets Load(IEnumerable<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string directory in directories)
        {
            foreach (string path in Try(() => Directory.GetFileSystemEntries(directory), []))
            {
                string name = Path.GetFileName(path);
                if (!name.StartsWith('.') && name.EndsWith(".preset", StringComparison.Ordinal)) byName.TryAdd(name, path);
            }
        }
        // Bytes, not File.ReadAllText: systemd does not skip a byte order mark either.
        return Parse(byName.OrderBy(entry => entry.Key, FileNameOrder)
            .Select(entry => (entry.Value, Try(() => Encoding.UTF8.GetString(File.ReadAllBytes(entry.Value)), ""))));
    }

    /// <summary>
    /// Parses preset files already in systemd's order; File names the file for <see cref="RuleSource"/>. Lines
    /// are stripped; empty ones and those starting with '#' or ';' are comments. "enable PATTERN [INSTANCE...]"
    /// and "disable PATTERN" are rules, anything else is ignored (systemd warns). As in systemd, "disable" takes
    /// the whole rest of the line as its pattern, spaces included, and an "enable" line with instances after a
    /// name that is no template (foo@.service) is dropped; so is a bare "enable", which crashes systemctl 252.
    /// </summary>
    public static UnitPresets Parse(IEnumerable<(string File, string Text)> filesInOrder)
    {
        ArgumentNullException.ThrowIfNull(filesInOrder);
        var rules = new List<Rule>();
        foreach ((string file, string text) in filesInOrder)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(filesInOrder));
            int number = 0;
            foreach (string line in Lines(text))
            {
                number++;
                if (ParseLine(line.Trim(Whitespace), $"{file}:{number}") is Rule rule) rules.Add(rule);
            }
        }
        return new UnitPresets(rules);
    }

    /// <summary>The action of the first rule matching <paramref name="unitName"/>, or null when none does:
    /// systemd would then enable the unit, but whether that default suits is the caller's decision.</summary>
    /// <exception cref="ArgumentException">Not a valid unit name; systemd refuses those too.</exception>
    public PresetAction? Query(string unitName) => Find(unitName)?.Action;

    /// <summary>"FILE:LINE" of the rule <see cref="Query"/> follows, so messages can say which rule decided.</summary>
    public string? RuleSource(string unitName) => Find(unitName)?.Source;

    private Rule? Find(string unitName)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        NameKind kind = Classify(unitName);
        if (kind == NameKind.Invalid) throw new ArgumentException($"'{unitName}' is not a valid unit name.", nameof(unitName));
        // An instance (pod@web.service) also matches "enable pod@.service web db": its template equals the
        // pattern as a string and its instance is listed. A template name matches by fnmatch anyway.
        int at = unitName.IndexOf('@', StringComparison.Ordinal);
        int dot = unitName.LastIndexOf('.');
        string? template = kind == NameKind.Instance ? string.Concat(unitName.AsSpan(0, at + 1), unitName.AsSpan(dot)) : null;
        string? instance = kind == NameKind.Instance ? unitName[(at + 1)..dot] : null;
        return _rules.Find(rule => (instance is not null && string.Equals(rule.Pattern, template, StringComparison.Ordinal)
            && rule.Instances.Contains(instance, StringComparer.Ordinal)) || Glob(rule.Pattern, unitName));
    }

    private static Rule? ParseLine(string line, string source)
    {
        if (line.Length == 0 || line[0] is '#' or ';') return null;
        if (AfterWord(line, "disable") is string pattern) return new Rule(PresetAction.Disable, pattern, [], source);
        if (AfterWord(line, "enable") is not string rest || rest.Length == 0) return null;
        int end = rest.IndexOfAny(Whitespace);
        if (end < 0) return new Rule(PresetAction.Enable, rest, [], source);
        string[] instances = rest[end..].Split(Whitespace, StringSplitOptions.RemoveEmptyEntries);
        return Classify(rest[..end]) == NameKind.Template ? new Rule(PresetAction.Enable, rest[..end], instances, source) : null;
    }

    /// <summary>systemd's first_word: the text after <paramref name="word"/> and whitespace, or null when the
    /// line does not start with that word ("enabled" is not "enable").</summary>
    private static string? AfterWord(string line, string word) =>
        !line.StartsWith(word, StringComparison.Ordinal) ? null
        : line.Length == word.Length ? ""
        : Whitespace.Contains(line[word.Length]) ? line[word.Length..].TrimStart(Whitespace) : null;

    /// <summary>systemd's read_line: \n, \r and NUL end a line, a run of different ones (\r\n, \n\r, \r\n\0)
    /// ends just one, and a NUL ends the run; so <see cref="RuleSource"/> counts lines as systemd does.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        static int Eol(char c) => c switch { '\n' => 1, '\r' => 2, '\0' => 4, _ => 0 };
        int start = 0;
        for (int i = 0; i < text.Length;)
        {
            int seen = Eol(text[i++]);
            if (seen == 0) continue;
            int end = i - 1;
            while (i < text.Length && (seen & 4) == 0 && Eol(text[i]) is int next and not 0 && (seen & next) == 0)
            {
                seen |= next;
                i++;
            }
            yield return text[start..end];
            start = i;
        }
        if (start < text.Length) yield return text[start..];
    }

    /// <summary>systemd's unit_name_is_valid: PREFIX[@[INSTANCE]].TYPE, under 256 characters of letters,
    /// digits and ":-_.\@", the prefix not empty.</summary>
    private static NameKind Classify(string name)
    {
        int dot = name.LastIndexOf('.');
        if (name.Length >= 256 || dot <= 0 || !UnitTypes.Contains(name[(dot + 1)..], StringComparer.Ordinal)
            || name.AsSpan(0, dot).ContainsAnyExcept(UnitNameChars)) return NameKind.Invalid;
        int at = name.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? NameKind.Plain : at == 0 ? NameKind.Invalid : at + 1 == dot ? NameKind.Template : NameKind.Instance;
    }

    /// <summary>fnmatch(pattern, name, FNM_NOESCAPE): '*' is any string, '?' one character, '[...]' a bracket
    /// expression; backslash is a plain character, '/' and a leading '.' are not special. On a mismatch the
    /// last '*' takes one more character, which is all the backtracking a glob needs.</summary>
    private static bool Glob(string pattern, string name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                (starP, starN) = (++p, n);
                continue;
            }
            int next = p + 1;
            if (p < pattern.Length && pattern[p] switch { '?' => true, '[' => Bracket(pattern, ref next, name[n]), char c => c == name[n] })
            {
                (p, n) = (next, n + 1);
                continue;
            }
            if (starP < 0) return false;
            (p, n) = (starP, ++starN);
        }
        return pattern.AsSpan(p).TrimStart('*').IsEmpty;
    }

    /// <summary>
    /// One bracket expression against one character as glibc's fnmatch reads it: '!' or '^' first negates, a
    /// ']' first is a member, "a-z" is a range (by character code, as in the C and C.UTF-8 locales) unless '-'
    /// is last, "[:alpha:]" and the other POSIX classes are classes. Once a member matched, glibc skips the rest
    /// with a laxer reader (no ranges, class names unchecked) that may end it elsewhere; so does this. glibc
    /// reads an unterminated expression as a literal '[', which no unit name contains, so it fails here, as does
    /// an unknown class met before a match. "[.a.]" and "[=a=]" are not supported (read as plain members).
    /// </summary>
    private static bool Bracket(string pattern, ref int p, char ch)
    {
        char At(int i) => i < pattern.Length ? pattern[i] : '\0';
        bool negate = At(p) is '!' or '^';
        p += negate ? 1 : 0;
        for (bool first = true, matched = false; !matched; first = false)
        {
            char c = At(p++);
            int end = c == '[' && At(p) == ':' ? ClassEnd(pattern, p + 1) : -1;
            if (c == '\0' || (c == ']' && !first)) return c != '\0' && negate;
            if (end >= 0)
            {
                if (InClass(pattern[(p + 1)..end], ch) is not bool member) return false;
                (matched, p) = (member, end + 2);
            }
            else if (At(p) == '-' && At(p + 1) is not ('\0' or ']'))
            {
                (matched, p) = (c <= ch && ch <= pattern[p + 1], p + 2);
            }
            else
            {
                matched = c == ch;
            }
        }
        for (char c = At(p++); c != ']'; c = At(p++))
        {
            if (c == '\0') return false;
            int end = c == '[' && At(p) == ':' ? ClassEnd(pattern, p + 1) : -1;
            p = end >= 0 ? end + 2 : p;
        }
        return !negate;
    }

    /// <summary>Where the ":]" closing a class name that starts at <paramref name="start"/> is, or -1: glibc
    /// reads names of the letters a to y only, and otherwise takes the '[' for a plain member.</summary>
    private static int ClassEnd(string pattern, int start)
    {
        int i = start;
        while (i < pattern.Length && pattern[i] is >= 'a' and < 'z') i++;
        return i + 1 < pattern.Length && pattern[i] == ':' && pattern[i + 1] == ']' ? i : -1;
    }

    private static bool? InClass(string name, char c) => name switch
    {
        "alnum" => char.IsAsciiLetterOrDigit(c),
        "alpha" => char.IsAsciiLetter(c),
        "blank" => c is ' ' or '\t',
        "cntrl" => c is < ' ' or '\x7f',
        "digit" => char.IsAsciiDigit(c),
        "graph" => c is > ' ' and < '\x7f',
        "lower" => char.IsAsciiLetterLower(c),
        "print" => c is >= ' ' and < '\x7f',
        "punct" => c is > ' ' and < '\x7f' && !char.IsAsciiLetterOrDigit(c),
        "space" => c is ' ' or (>= '\t' and <= '\r'),
        "upper" => char.IsAsciiLetterUpper(c),
        "xdigit" => char.IsAsciiHexDigit(c),
        _ => null,
    };

    private static T Try<T>(Func<T> read, T fallback)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return fallback;
        }
    }

    private sealed record Rule(PresetAction Action, string Pattern, string[] Instances, string Source);
}
