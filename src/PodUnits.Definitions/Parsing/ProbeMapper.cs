using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>readinessProbe: exec or tcpSocket, timing fields with Kubernetes' defaults and minimums.</summary>
internal static class ProbeMapper
{
    public static Probe? Map(YNode node, string path, ParseContext ctx, List<ContainerPort> ports)
    {
        if (ctx.Object(node, path, KubernetesFields.Probe) is not Fields f)
        {
            return null;
        }
        List<string>? exec = null;
        int? tcpPort = null;
        if (f.Value("exec") is YNode e && ctx.Object(e, f.PathOf("exec"), KubernetesFields.ExecAction) is Fields ef)
        {
            exec = ef.StringList("command");
            if (exec is null || exec.Count == 0)
            {
                ctx.Error(ef.Value("command") ?? ef.Node, $"{ef.PathOf("command")}: must list the command to run");
            }
        }
        if (f.Value("tcpSocket") is YNode t && ctx.Object(t, f.PathOf("tcpSocket"), KubernetesFields.TcpSocket) is Fields tf)
        {
            tcpPort = Port(tf, ctx, ports);
        }
        int handlers = (f.Has("exec") ? 1 : 0) + (f.Has("tcpSocket") ? 1 : 0);
        if (handlers != 1)
        {
            ctx.Error(node, $"{path}: must have exactly one of exec or tcpSocket" + (handlers > 1 ? " (found both)" : ""));
        }
        return new Probe
        {
            ExecCommand = exec,
            TcpPort = tcpPort,
            InitialDelaySeconds = (int)(f.Integer("initialDelaySeconds", 0, int.MaxValue) ?? 0),
            PeriodSeconds = (int)(f.Integer("periodSeconds", 1, int.MaxValue) ?? 10),
            TimeoutSeconds = (int)(f.Integer("timeoutSeconds", 1, int.MaxValue) ?? 1),
            SuccessThreshold = (int)(f.Integer("successThreshold", 1, int.MaxValue) ?? 1),
            FailureThreshold = (int)(f.Integer("failureThreshold", 1, int.MaxValue) ?? 3),
        };
    }

    /// <summary>A port number, or the name of one of the container's ports.</summary>
    private static int? Port(Fields tf, ParseContext ctx, List<ContainerPort> ports)
    {
        YNode? node = tf.Value("port");
        if (node is null)
        {
            tf.Missing("port");
            return null;
        }
        if (node is YScalar { IsPlain: true } s && Fields.TryParseInteger(s.Value, out _))
        {
            return (int?)tf.Integer("port", 1, 65535);
        }
        if (tf.String("port") is not string name)
        {
            return null;
        }
        if (ports.FirstOrDefault(p => p.Name == name) is ContainerPort port)
        {
            return port.Number;
        }
        ctx.Error(node, $"{tf.PathOf("port")}: no port named \"{name}\" in this container's ports");
        return null;
    }
}
