using System.Text.Json;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Network;

/// <summary>
/// What a network test looks at from the host: the pod's network as the executor recorded
/// it, the CNI plugins' own state (host-local's leases, the result cache, the pinned
/// namespace, iptables rules commented with the attachment's ID) and HTTP fetches. Every
/// address fetched is a pod's or the sandbox's own (its private network namespace).
/// </summary>
internal static class NetworkProbe
{
    public const string Leases = "/var/lib/cni/networks/podunits";
    public const string Cache = "/var/lib/podunits/cni/results";

    /// <summary>/run/podunits/state/POD/network.json; null when there is none.</summary>
    public static JsonElement? State(string pod)
    {
        string path = $"/run/podunits/state/{pod}/network.json";
        return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone() : null;
    }

    public static string Ip(string pod) =>
        State(pod)?.GetProperty("ips")[0].GetString() ?? throw new InvalidOperationException($"pod {pod} has no network state");

    /// <summary>The host end of the pod's veth (the result's host interface that is not the bridge).</summary>
    public static string HostVeth(string pod) => State(pod)!.Value.GetProperty("interfaces").EnumerateArray()
        .Where(i => !i.GetProperty("inPod").GetBoolean())
        .Select(i => i.GetProperty("name").GetString()!)
        .Single(n => n.StartsWith("veth", StringComparison.Ordinal));

    /// <summary>The running pod's CNI container ID (its machine ID, a dash and a part new in
    /// every run), as the executor recorded it.</summary>
    public static string ContainerId(string pod) =>
        State(pod)?.GetProperty("containerId").GetString() ?? throw new InvalidOperationException($"pod {pod} has no network state");

    /// <summary>The machine ID, the first part of the pod's CNI container ID.</summary>
    public static string MachineId(string pod) =>
        PodHarness.Run("machinectl", "show", pod, "-p", "Id", "--value").Output.Trim();

    /// <summary>A fetch with busybox wget (5 s timeout); the body, or null on failure.
    /// timeout(1), not wget's -T: Debian 12's busybox-static crashes with -T.</summary>
    public static string? Fetch(string url)
    {
        var get = PodHarness.Run("timeout", "5", "busybox", "wget", "-q", "-O", "-", url);
        return get.Code == 0 ? get.Output : null;
    }

    /// <summary>A fetch that may have to wait for the server to listen: READY comes once the
    /// container has exec'd its command, which binds its socket a moment later.</summary>
    public static string? FetchOnceListening(string url)
    {
        string? body = null;
        // A wait for the state, not a clock bound: under a loaded CI (two builds beside the
        // sandbox) an ad-hoc pod took more than 10 s to listen once.
        PodHarness.WaitFor(() => (body = Fetch(url)) is not null, seconds: 60);
        return body;
    }

    /// <summary>host-local's lease files held by <paramref name="containerId"/> (each is named
    /// by an address and holds the ID on its first line). Only lease files are read: host-local
    /// holds an flock on its `lock` file while other pods start, and .NET's file reads take
    /// an flock of their own, which then fails.</summary>
    /// <param name="network">Another network's leases than the default's.</param>
    public static string[] LeasesOf(string containerId, string? network = null) =>
        (network is null ? Leases : $"/var/lib/cni/networks/{network}") is var dir && Directory.Exists(dir)
        ? [.. Directory.EnumerateFiles(dir)
            .Where(f => System.Net.IPAddress.TryParse(Path.GetFileName(f), out _) && TextOf(f)?.Split('\n')[0].Trim() == containerId)
            .Select(Path.GetFileName)!]
        : [];

    /// <summary>Cache entries of the pod (they record its name). An entry being written
    /// (".tmp-*", renamed into place) is not one yet.</summary>
    public static string[] CacheEntriesOf(string pod) => Directory.Exists(Cache)
        ? [.. Directory.EnumerateFiles(Cache)
            .Where(f => !Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal)
                && TextOf(f)?.Contains($"\"pod\":\"{pod}\"", StringComparison.Ordinal) == true)]
        : [];

    /// <summary>A file's text, or null when it went between listing its directory and reading
    /// it: other tests' pods start and stop meanwhile, and their leases and cache entries come
    /// and go.</summary>
    private static string? TextOf(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>iptables rules (all tables) that mention <paramref name="text"/>.</summary>
    public static string[] RulesMentioning(string text) =>
        [.. PodHarness.Run("iptables-save").Output.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal))];

    public static bool LinkExists(string name) => PodHarness.Run("ip", "link", "show", name).Code == 0;

    public static string HttpdPod(string name, string body, int? hostPort = null, string annotations = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        {{annotations}}
        spec:
          terminationGracePeriodSeconds: 5
          restartPolicy: Never
          containers:
            - name: web
              image: busybox
              command: ["sh", "-c", "mkdir -p /www && echo {{body}} > /www/index.html && exec httpd -f -p 80 -h /www"]
        {{(hostPort is int port ? $"      ports:\n        - containerPort: 80\n          hostPort: {port}" : "")}}
        """;
}
