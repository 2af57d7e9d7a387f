namespace PodUnits.Images.Registry;

/// <summary>A parsed WWW-Authenticate challenge: scheme plus its key="value" parameters
/// (RFC 7235; the Docker token spec uses realm, service and scope).</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        header = header.Trim();
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        string scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = space < 0 ? header.Length : space + 1;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] == ' ' || header[i] == ',')) i++;
            int eq = header.IndexOf('=', i);
            if (eq < 0) break;
            string key = header[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < header.Length && header[i] != '"')
                {
                    if (header[i] == '\\' && i + 1 < header.Length) i++;
                    sb.Append(header[i++]);
                }
                i++; // closing quote
                value = sb.ToString();
            }
            else
            {
                int end = header.IndexOf(',', i);
                if (end < 0) end = header.Length;
                value = header[i..end].Trim();
                i = end;
            }
            parameters[key] = value;
        }
        return new AuthChallenge(scheme, parameters);
    }
}
