using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>lifecycle.postStart and lifecycle.preStop: each exactly one of exec, httpGet or
/// sleep, as Kubernetes validates them.</summary>
internal static class LifecycleMapper
{
    private static readonly string[] Actions = ["exec", "httpGet", "sleep"];

    /// <summary><paramref name="gracePeriod"/> is the pod's terminationGracePeriodSeconds, or
    /// null when it is invalid (reported there, so not again here).</summary>
    public static Lifecycle? Map(YNode node, string path, ParseContext ctx, List<ContainerPort> ports, long? gracePeriod)
    {
        if (ctx.Object(node, path, KubernetesFields.Lifecycle) is not Fields f)
        {
            return null;
        }
        return new Lifecycle
        {
            PostStart = Handler(f, "postStart", ports, gracePeriod),
            PreStop = Handler(f, "preStop", ports, gracePeriod),
        };
    }

    private static LifecycleHandler? Handler(Fields lifecycle, string name, List<ContainerPort> ports, long? gracePeriod)
    {
        if (lifecycle.Child(name, KubernetesFields.LifecycleHandler) is not Fields f)
        {
            return null;
        }
        if (f.Key("tcpSocket") is YScalar tcp)
        {
            f.Context.Error(tcp, $"{f.PathOf("tcpSocket")}: a lifecycle hook cannot use tcpSocket (Kubernetes keeps the field only for old manifests, " +
                "and the kubelet fails such a hook); use exec, httpGet or sleep");
        }
        else
        {
            HandlerMapper.ExactlyOne(f, Actions);
        }
        return new LifecycleHandler
        {
            ExecCommand = HandlerMapper.Exec(f),
            HttpGet = HandlerMapper.HttpGet(f, ports),
            SleepSeconds = Sleep(f, gracePeriod),
        };
    }

    /// <summary>sleep.seconds: from 0 (Kubernetes 1.33+ allows a zero sleep) up to the pod's
    /// grace period, which would end a longer sleep anyway.</summary>
    private static long? Sleep(Fields handler, long? gracePeriod)
    {
        if (handler.Child("sleep", KubernetesFields.SleepAction) is not Fields f)
        {
            return null;
        }
        if (f.Value("seconds") is not YNode node)
        {
            f.Missing("seconds");
            return null;
        }
        long? seconds = f.Integer("seconds", long.MinValue, long.MaxValue);
        if (seconds < 0)
        {
            f.Context.Error(node, $"{f.PathOf("seconds")}: must not be negative, found {seconds}");
            return null;
        }
        if (seconds > gracePeriod)
        {
            f.Context.Error(node, $"{f.PathOf("seconds")}: must be at most the pod's terminationGracePeriodSeconds ({gracePeriod}), found {seconds}");
            return null;
        }
        return seconds;
    }
}
