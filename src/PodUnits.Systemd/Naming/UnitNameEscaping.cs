using System.Text;

namespace PodUnits.Systemd.Naming;

/// <summary>
/// Unit-name escaping exactly as systemd-escape(1) does it (unit_name_escape() and
/// unit_name_path_escape() in systemd's src/basic/unit-name.c, checked against systemd 252):
/// '/' becomes '-'; ASCII letters, digits, ':' and '_' stay; '.' stays except as the first
/// character; every other byte of the UTF-8 text becomes "\xNN" (lowercase hex).
/// </summary>
public static class UnitNameEscaping
{
    /// <summary>Like <c>systemd-escape STRING</c>.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        var result = new StringBuilder(bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if (b == (byte)'/')
            {
                result.Append('-');
            }
            else if (IsKept(b) && !(i == 0 && b == (byte)'.'))
            {
                result.Append((char)b);
            }
            else
            {
                result.Append("\\x").Append(b.ToString("x2"));
            }
        }
        return result.ToString();
    }

    /// <summary>
    /// Like <c>systemd-escape --path PATH</c>: the path is simplified (duplicate slashes and
    /// "." components dropped), "/" and "" become "-", leading and trailing slashes go.
    /// Throws <see cref="FormatException"/> where systemd-escape fails: a ".." component, a
    /// relative path that simplifies to ".", a component over 255 bytes.
    /// </summary>
    public static string EscapePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return "-";
        }
        var components = new List<string>();
        foreach (string component in path.Split('/'))
        {
            if (component.Length == 0 || component == ".")
            {
                continue;
            }
            if (component == ".." || Encoding.UTF8.GetByteCount(component) > 255)
            {
                throw new FormatException($"path '{path}' is not normalized and cannot be escaped");
            }
            components.Add(component);
        }
        if (components.Count == 0)
        {
            if (path[0] == '/')
            {
                return "-";
            }
            throw new FormatException($"path '{path}' is not normalized and cannot be escaped");
        }
        return Escape(string.Join('/', components));
    }

    /// <summary>Like <c>systemd-escape --unescape</c>: '-' becomes '/', "\xNN" the byte NN.</summary>
    public static string Unescape(string escaped)
    {
        if (!TryUnescape(escaped, out string? value))
        {
            throw new FormatException($"'{escaped}' is not a valid escaped unit name part");
        }
        return value;
    }

    public static bool TryUnescape(string escaped, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        value = null;
        var bytes = new List<byte>(escaped.Length);
        for (int i = 0; i < escaped.Length; i++)
        {
            char c = escaped[i];
            if (c == '-')
            {
                bytes.Add((byte)'/');
            }
            else if (c == '\\')
            {
                if (i + 3 >= escaped.Length)
                {
                    return false;
                }
                if (escaped[i + 1] != 'x' || !Uri.IsHexDigit(escaped[i + 2]) || !Uri.IsHexDigit(escaped[i + 3]))
                {
                    return false;
                }
                bytes.Add(Convert.ToByte(escaped.Substring(i + 2, 2), 16));
                i += 3;
            }
            else if (c > 0x7F)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
            else
            {
                bytes.Add((byte)c);
            }
        }
        value = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }

    /// <summary>
    /// Like <c>systemd-escape --unescape --path</c>: "-" is "/", anything else gets a leading
    /// '/' and must be a normalized path (no empty, "." or ".." components).
    /// </summary>
    public static string UnescapePath(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        if (escaped == "-")
        {
            return "/";
        }
        if (escaped.Length == 0 || !TryUnescape(escaped, out string? value) || value.Length == 0
            || value[0] == '/' || value[^1] == '/'
            || value.Split('/').Any(c => c.Length == 0 || c == "." || c == ".."))
        {
            throw new FormatException($"'{escaped}' is not an escaped absolute path");
        }
        return "/" + value;
    }

    private static bool IsKept(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)':' or (byte)'_' or (byte)'.';
}
