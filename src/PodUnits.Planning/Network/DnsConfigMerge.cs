using PodUnits.Definitions;

namespace PodUnits.Planning.Network;

/// <summary>
/// dnsConfig under dnsPolicy Default or ClusterFirst, as the kubelet merges it into the
/// resolv.conf that policy gives (dnsPolicy None uses dnsConfig alone, PlanBuilder.ResolvConf):
/// its nameservers and searches are appended to the base's, without duplicates; its options
/// replace the base's options of the same name and add the others. The kubelet keeps at most
/// three nameservers (what glibc reads), so does this, and says what it left out. Comments
/// and other lines of the base stay as they are.
/// </summary>
public static class DnsConfigMerge
{
    public const int MaxNameservers = 3;

    /// <summary>Pure: the merged file, and a warning when nameservers had to be left out.</summary>
    public static (string ResolvConf, string? Warning) Merge(string baseResolvConf, DnsConfig config)
    {
        ArgumentNullException.ThrowIfNull(baseResolvConf);
        ArgumentNullException.ThrowIfNull(config);
        var other = new List<string>();
        var nameservers = new List<string>();
        var searches = new List<string>();
        var options = new List<(string Name, string? Value)>();
        foreach (string line in baseResolvConf.Split('\n'))
        {
            string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case ["nameserver", string address, ..]:
                    nameservers.Add(address);
                    break;
                case ["search" or "domain", .. string[] domains]:
                    // The last search or domain line is the one the resolver uses.
                    searches = [.. domains];
                    break;
                case ["options", .. string[] given]:
                    foreach (string option in given)
                    {
                        int colon = option.IndexOf(':', StringComparison.Ordinal);
                        SetOption(options, colon < 0 ? (option, null) : (option[..colon], option[(colon + 1)..]));
                    }
                    break;
                default:
                    if (line.Trim().Length > 0)
                    {
                        other.Add(line);
                    }
                    break;
            }
        }
        List<string> allNameservers = [.. nameservers.Concat(config.Nameservers).Distinct(StringComparer.Ordinal)];
        searches = [.. searches.Concat(config.Searches).Distinct(StringComparer.Ordinal)];
        foreach (DnsOption option in config.Options)
        {
            SetOption(options, (option.Name, option.Value));
        }

        var text = new System.Text.StringBuilder();
        other.ForEach(line => text.Append(line).Append('\n'));
        allNameservers.Take(MaxNameservers).ToList().ForEach(ns => text.Append("nameserver ").Append(ns).Append('\n'));
        if (searches.Count > 0)
        {
            text.Append("search ").AppendJoin(' ', searches).Append('\n');
        }
        if (options.Count > 0)
        {
            text.Append("options ").AppendJoin(' ', options.Select(o => o.Value is null ? o.Name : $"{o.Name}:{o.Value}")).Append('\n');
        }
        string? warning = allNameservers.Count <= MaxNameservers ? null
            : $"dnsConfig: more than {MaxNameservers} nameservers with the host's; left out: {string.Join(", ", allNameservers.Skip(MaxNameservers))}";
        return (text.ToString(), warning);
    }

    private static void SetOption(List<(string Name, string? Value)> options, (string Name, string? Value) option)
    {
        int at = options.FindIndex(o => o.Name == option.Name);
        if (at < 0)
        {
            options.Add(option);
        }
        else
        {
            options[at] = option;
        }
    }
}
