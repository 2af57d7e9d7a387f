using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>The actions probes and lifecycle hooks share (Kubernetes' ProbeHandler and
/// LifecycleHandler): exec, httpGet, a port by number or name, and the exactly-one rule.</summary>
internal static class HandlerMapper
{
    private static readonly string[] Schemes = ["HTTP", "HTTPS"];

    /// <summary>Kubernetes: a handler is exactly one action. A field set to null is no action,
    /// as the API server decodes it.</summary>
    public static void ExactlyOne(Fields f, string[] actions)
    {
        string[] found = [.. actions.Where(f.Present)];
        if (found.Length == 1)
        {
            return;
        }
        string choices = string.Join(", ", actions[..^1]) + " or " + actions[^1];
        f.Context.Error(f.Node, $"{f.Path}: must have exactly one of {choices}" + (found.Length > 1 ? $" (found {string.Join(" and ", found)})" : ""));
    }

    public static List<string>? Exec(Fields parent)
    {
        if (parent.Child("exec", KubernetesFields.ExecAction) is not Fields ef)
        {
            return null;
        }
        List<string>? command = ef.StringList("command");
        if (command is null || command.Count == 0)
        {
            ef.Context.Error(ef.Value("command") ?? ef.Node, $"{ef.PathOf("command")}: must list the command to run");
        }
        return command;
    }

    /// <summary>httpGet with Kubernetes' defaults: scheme HTTP, path "/" (kept as written
    /// otherwise: the kubelet adds a missing leading "/"), host the pod's address.</summary>
    public static HttpGetAction? HttpGet(Fields parent, List<ContainerPort> ports)
    {
        if (parent.Child("httpGet", KubernetesFields.HttpGetAction) is not Fields hf)
        {
            return null;
        }
        int? port = Port(hf, ports);
        // Every field is read even without a port, so that all its problems come out in one run.
        var action = new HttpGetAction
        {
            Scheme = hf.OneOfOrDefault("scheme", Schemes) ?? "HTTP",
            Host = hf.String("host") is { Length: > 0 } host ? host : null,
            Port = port ?? 0,
            Path = hf.String("path") is { Length: > 0 } path ? path : "/",
            Headers = Headers(hf),
        };
        return port is null ? null : action;
    }

    private static List<KeyValuePair<string, string>> Headers(Fields hf)
    {
        var headers = new List<KeyValuePair<string, string>>();
        ContainerMapper.ForEachObject(hf, "httpHeaders", KubernetesFields.HttpHeader, (h, p) =>
        {
            string? name = h.RequiredString("name");
            if (name is not null && ExplainHeaderName(name) is string why)
            {
                h.Context.Error(h.Value("name")!, $"{p}.name: \"{name}\" is not a valid HTTP header name: {why}");
            }
            else if (name is not null)
            {
                // A repeated name is sent repeatedly, as the kubelet does.
                headers.Add(new(name, h.String("value") ?? ""));
            }
        });
        return headers;
    }

    /// <summary>Kubernetes' IsHTTPHeaderName: [-A-Za-z0-9]+, stricter than RFC 9110's token
    /// (it is what Go's HTTP client accepts without question).</summary>
    private static string? ExplainHeaderName(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return $"may contain only letters, digits and '-' (found '{c}')";
            }
        }
        return null;
    }

    /// <summary>port of tcpSocket and httpGet: a number, or the name of one of the container's
    /// ports (resolved here: a name no port has would make every check fail).</summary>
    public static int? Port(Fields f, List<ContainerPort> ports)
    {
        YNode? node = f.Value("port");
        if (node is null)
        {
            f.Missing("port");
            return null;
        }
        if (node is YScalar { IsPlain: true } s && Fields.TryParseInteger(s.Value, out _))
        {
            return (int?)f.Integer("port", 1, 65535);
        }
        if (f.String("port") is not string name)
        {
            return null;
        }
        if (ports.FirstOrDefault(p => p.Name == name) is ContainerPort port)
        {
            return port.Number;
        }
        f.Context.Error(node, $"{f.PathOf("port")}: no port named \"{name}\" in this container's ports");
        return null;
    }
}
