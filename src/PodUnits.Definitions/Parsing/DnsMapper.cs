using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>spec.dnsConfig and spec.hostAliases, with Kubernetes' limits (3 nameservers,
/// 32 search domains).</summary>
internal static class DnsMapper
{
    public static DnsConfig? MapConfig(Fields spec, ParseContext ctx)
    {
        if (spec.Value("dnsConfig") is not YNode node || ctx.Object(node, "spec.dnsConfig", KubernetesFields.DnsConfig) is not Fields f)
        {
            return null;
        }
        List<string> nameservers = f.StringList("nameservers") ?? [];
        if (nameservers.Count > 3)
        {
            ctx.Error(f.Value("nameservers")!, $"spec.dnsConfig.nameservers: at most 3 are allowed, found {nameservers.Count}");
        }
        foreach ((int i, YScalar ns) in f.StringItems("nameservers"))
        {
            if (Names.IpAddressProblem(ns.Value) is { } problem)
            {
                ctx.Error(ns, $"spec.dnsConfig.nameservers[{i}]: \"{ns.Value}\" {problem}");
            }
        }
        List<string> searches = f.StringList("searches") ?? [];
        if (searches.Count > 32)
        {
            ctx.Error(f.Value("searches")!, $"spec.dnsConfig.searches: at most 32 are allowed, found {searches.Count}");
        }
        // As the API server validates them: each a DNS subdomain (a trailing '.' allowed). A
        // line break would add lines of its own to the pod's resolv.conf.
        foreach ((int i, YScalar search) in f.StringItems("searches").Where(d => Names.ExplainObjectName(d.Item.Value.TrimEnd('.')) is not null))
        {
            ctx.Error(search, $"spec.dnsConfig.searches[{i}]: \"{search.Value}\" is not a valid domain name");
        }
        var options = new List<DnsOption>();
        ContainerMapper.ForEachObject(f, "options", KubernetesFields.DnsOption, (o, p) =>
        {
            if (o.RequiredString("name") is string name)
            {
                string? value = o.String("value");
                if ((name + value).Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || name.Contains(':', StringComparison.Ordinal))
                {
                    ctx.Error(o.Node, $"{p}: \"{name}\" is not a resolv.conf option (no spaces, line breaks or ':' in a name)");
                    return;
                }
                options.Add(new DnsOption(name, value));
            }
        });
        return new DnsConfig(nameservers, searches, options);
    }

    public static List<HostAlias> MapHostAliases(Fields spec, ParseContext ctx)
    {
        var result = new List<HostAlias>();
        ContainerMapper.ForEachObject(spec, "hostAliases", KubernetesFields.HostAlias, (a, p) =>
        {
            string? ip = a.RequiredString("ip");
            if (ip is not null && Names.IpAddressProblem(ip) is { } problem)
            {
                ctx.Error(a.Value("ip")!, $"{p}.ip: \"{ip}\" {problem}");
            }
            List<string> hostnames = a.StringList("hostnames") ?? [];
            // DNS subdomains, as the API server validates them: a line break would add lines
            // of its own to the pod's /etc/hosts.
            foreach ((int i, YScalar hostname) in a.StringItems("hostnames").Where(h => Names.ExplainObjectName(h.Item.Value) is not null))
            {
                ctx.Error(hostname, $"{p}.hostnames[{i}]: \"{hostname.Value}\" is not a valid host name");
            }
            if (ip is not null)
            {
                result.Add(new HostAlias(ip, hostnames));
            }
        });
        return result;
    }
}
