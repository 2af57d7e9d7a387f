using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

internal enum ProbeKind
{
    Readiness,
    Liveness,
    Startup,
}

/// <summary>readinessProbe, livenessProbe, startupProbe: one handler (exec, tcpSocket, httpGet,
/// grpc), the timing fields with Kubernetes' defaults and minimums, and the rules Kubernetes'
/// validation adds per kind.</summary>
internal static class ProbeMapper
{
    private static readonly string[] Handlers = ["exec", "tcpSocket", "httpGet", "grpc"];

    public static Probe? Map(YNode node, string path, ParseContext ctx, List<ContainerPort> ports, ProbeKind kind)
    {
        if (ctx.Object(node, path, KubernetesFields.Probe) is not Fields f)
        {
            return null;
        }
        HandlerMapper.ExactlyOne(f, Handlers);
        Fields? tcp = f.Child("tcpSocket", KubernetesFields.TcpSocket);
        return new Probe
        {
            ExecCommand = HandlerMapper.Exec(f),
            TcpPort = tcp is null ? null : HandlerMapper.Port(tcp, ports),
            TcpHost = tcp?.String("host") is { Length: > 0 } host ? host : null,
            HttpGet = HandlerMapper.HttpGet(f, ports),
            Grpc = Grpc(f),
            InitialDelaySeconds = (int)(f.Integer("initialDelaySeconds", 0, int.MaxValue) ?? 0),
            // 0 is unset, as the API server's SetDefaults_Probe has it (a Helm chart's empty
            // value writes 0): the default, not an error (definitions review, finding 9).
            PeriodSeconds = OrDefault(f.Integer("periodSeconds", 0, int.MaxValue), 10),
            TimeoutSeconds = OrDefault(f.Integer("timeoutSeconds", 0, int.MaxValue), 1),
            SuccessThreshold = SuccessThreshold(f, kind),
            FailureThreshold = OrDefault(f.Integer("failureThreshold", 0, int.MaxValue), 3),
            TerminationGracePeriodSeconds = GracePeriod(f, kind),
        };
    }

    private static int OrDefault(long? value, int unset) => value is long n and > 0 ? (int)n : unset;

    /// <summary>Kubernetes requires 1 for liveness and startup probes: one success ends their
    /// run of failures; only readiness counts successes. 0 is unset: 1.</summary>
    private static int SuccessThreshold(Fields f, ProbeKind kind)
    {
        long? n = f.Integer("successThreshold", 0, int.MaxValue) is long given and > 0 ? given : null;
        if (n is long found && found != 1 && kind != ProbeKind.Readiness)
        {
            f.Context.Error(f.Value("successThreshold")!, $"{f.PathOf("successThreshold")}: must be 1 for a {Describe(kind)}, found {found}");
        }
        return (int)(n ?? 1);
    }

    /// <summary>The grace period when this probe's failure kills the container: positive, and
    /// only where a failure kills (not on a readiness probe), as Kubernetes validates it.</summary>
    private static long? GracePeriod(Fields f, ProbeKind kind)
    {
        const string Field = "terminationGracePeriodSeconds";
        if (f.Value(Field) is not YNode node)
        {
            return null;
        }
        if (kind == ProbeKind.Readiness)
        {
            f.Context.Error(node, $"{f.PathOf(Field)}: only liveness and startup probes have one (a failing readiness probe does not stop the container)");
            return null;
        }
        long? seconds = f.Integer(Field, long.MinValue, long.MaxValue);
        if (seconds <= 0)
        {
            f.Context.Error(node, $"{f.PathOf(Field)}: must be greater than 0, found {seconds}");
            return null;
        }
        return seconds;
    }

    /// <summary>grpc.port is an int32 in Kubernetes, never a port name.</summary>
    private static GrpcAction? Grpc(Fields f)
    {
        if (f.Child("grpc", KubernetesFields.GrpcAction) is not Fields gf)
        {
            return null;
        }
        string? service = gf.String("service");
        YNode? node = gf.Value("port");
        if (node is null)
        {
            gf.Missing("port");
            return null;
        }
        if (node is YScalar { IsPlain: true } s && !Fields.TryParseInteger(s.Value, out _))
        {
            f.Context.Error(node, $"{gf.PathOf("port")}: must be a port number (unlike httpGet and tcpSocket, grpc cannot name a port), found \"{s.Value}\"");
            return null;
        }
        return gf.Integer("port", 1, 65535) is long port ? new GrpcAction { Port = (int)port, Service = service } : null;
    }

    public static string Describe(ProbeKind kind) => kind switch
    {
        ProbeKind.Liveness => "liveness probe",
        ProbeKind.Startup => "startup probe",
        _ => "readiness probe",
    };
}
