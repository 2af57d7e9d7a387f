using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Definitions;

namespace PodUnits.Planning.AdHoc;

/// <summary>
/// `podunits run -i [-t] IMAGE [-- CMD ARGS...]`: what an ad-hoc pod is made of, in the names
/// rkt run and podman run use, and the one-container pod they make (<see cref="Definition"/>).
/// Values are checked here, with the option named in the error, before anything starts.
/// </summary>
public sealed record AdHocOptions
{
    public required string Image { get; init; }
    /// <summary>The words after the image (after --): they replace the image's CMD and keep
    /// its ENTRYPOINT, as in podman run and kubectl run (Kubernetes' <c>args</c>).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>--entrypoint: replaces the image's ENTRYPOINT, and its CMD with it (podman,
    /// Docker; Kubernetes' <c>command</c>); empty: no entrypoint, the words are the whole
    /// command. Null: the image's.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public InteractiveNetwork Network { get; init; } = InteractiveNetwork.Default;
    /// <summary>-t: a pseudo-terminal of the container's own (Attach/TerminalHub.cs).</summary>
    public bool Terminal { get; init; }
    /// <summary>--detach-keys, with -t (docker's notation; Attach/DetachKeys.cs).</summary>
    public string DetachKeys { get; init; } = Runtime.Attach.DetachKeys.Default;
    /// <summary>--name; default a generated <c>pod-XXXXXXXX</c>, the pod's machine name too.</summary>
    public string? Name { get; init; }
    /// <summary>--hostname; default the pod's name (rkt: <c>rkt-UUID</c>).</summary>
    public string? Hostname { get; init; }
    /// <summary>--env K=V, in order; a later K wins, as in a definition.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    /// <summary>--user UID[:GID] here; a NAME[:GROUP] is turned into numbers from the image's
    /// /etc/passwd first (<see cref="AdHocImages"/>), as podman does.</summary>
    public string? User { get; init; }
    /// <summary>--pull always|missing|never (podman's words; missing is the default).</summary>
    public string Pull { get; init; } = "missing";
    /// <summary>--memory and --cpus, Kubernetes quantities (256Mi, 1.5 or 1500m).</summary>
    public string? Memory { get; init; }
    public string? Cpus { get; init; }

    /// <summary>--keep: the pod's state stays after it ends (docker's and podman's run without --rm).</summary>
    public bool Keep { get; init; }
    /// <summary>--volume HOST:CONTAINER[:ro], a hostPath volume each.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];
    /// <summary>--dns IP (up to 3): dnsPolicy None with these nameservers; --dns none: the
    /// image's own resolv.conf (podunits.io/dns: none); --dns host, or none given: the host's
    /// resolvers (dnsPolicy Default's meaning, rkt's --dns host).</summary>
    public IReadOnlyList<string> Dns { get; init; } = [];

    /// <summary>
    /// Every check <see cref="Definition"/> makes, before anything is imported or pulled: an
    /// archive image was imported (its tag in the store moved) before a typo in --memory or
    /// --name failed the run, and --pull was never checked for one (CLI review of 2026-12-06,
    /// finding 3). The archive stands in as a placeholder reference, a user name (resolved
    /// from the image later) as none.
    /// </summary>
    public void Validate(string generatedName)
    {
        bool archive = AdHocImages.ArchiveSchemes.Any(s => Image.StartsWith(s, StringComparison.Ordinal));
        bool numericUser = User is null || User.Split(':').All(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        _ = (this with { Image = archive ? "localhost/podunits-archive:latest" : Image, User = numericUser ? User : null }).Definition(generatedName);
    }

    /// <summary>The pod these options describe, loaded from <see cref="ToYaml"/> by the same
    /// loader and checks as an installed definition; <paramref name="generatedName"/> when no --name.</summary>
    public PodDefinition Definition(string generatedName)
    {
        string name = Checked("--name", Name) ?? generatedName;
        // Named after the pod so the loader's file-name rule holds.
        PodDefinition pod;
        try
        {
            pod = PodDefinitionLoader.LoadText(ToYaml(name), $"(podunits run)/{name}.yaml").GetPodOrThrow();
        }
        catch (PodDefinitionException e)
        {
            throw AsOptionError(e, wordsAreCommand: Entrypoint is []);
        }
        // The network was named by --net, not at a line of a file anyone wrote: line 0 makes
        // the planner's messages about it say "--net NAME" (NetworkPlanner).
        return pod.Network is { } network ? pod with { Network = network with { Line = 0, Column = 0 } } : pod;
    }

    /// <summary>
    /// A check only the definition loader makes (a mount path given twice, a fourth --dns, an
    /// environment name Kubernetes refuses), said of the option that gave the value: the user
    /// typed options, and the loader's message named a YAML file that does not exist, a line
    /// and column in it, a Kubernetes field path, and 'podunits validate' for it (CLI review of
    /// 2026-12-07, finding 7).
    /// </summary>
    /// <param name="wordsAreCommand">--entrypoint "": the words after the image are the
    /// command, and its errors theirs, not --entrypoint's.</param>
    private static BadInputException AsOptionError(PodDefinitionException e, bool wordsAreCommand)
    {
        Diagnostic? first = e.Diagnostics.FirstOrDefault(d => d.IsError)?.Redacted();
        if (first is null)
        {
            return new BadInputException("podunits run", e.Why);
        }
        int colon = first.Message.IndexOf(": ", StringComparison.Ordinal);
        string field = colon < 0 ? "" : first.Message[..colon];
        string why = colon < 0 ? first.Message : first.Message[(colon + 2)..];
        string option = OptionOf(field);
        return new BadInputException(wordsAreCommand && option == "--entrypoint" ? "the command" : option, Core.Text.OneLine.Of(why));
    }

    /// <summary>The option of <see cref="ToYaml"/>'s field <paramref name="field"/>.</summary>
    internal static string OptionOf(string field) => field switch
    {
        _ when field.Contains(".volumeMounts[", StringComparison.Ordinal) || field.StartsWith("spec.volumes[", StringComparison.Ordinal) => "--volume",
        _ when field.StartsWith("spec.dnsConfig", StringComparison.Ordinal) || field.StartsWith("spec.dnsPolicy", StringComparison.Ordinal) => "--dns",
        _ when field.Contains(".env[", StringComparison.Ordinal) => "--env",
        _ when field.Contains(".ports[", StringComparison.Ordinal) => "--port",
        _ when field.Contains(".resources.limits.memory", StringComparison.Ordinal) => "--memory",
        _ when field.Contains(".resources.limits.cpu", StringComparison.Ordinal) => "--cpus",
        _ when field.Contains(".workingDir", StringComparison.Ordinal) => "--workdir",
        _ when field.Contains(".securityContext", StringComparison.Ordinal) => "--user",
        _ when field.Contains(".command", StringComparison.Ordinal) => "--entrypoint",
        _ when field.Contains(".args", StringComparison.Ordinal) => "the command",
        _ when field.EndsWith(".image", StringComparison.Ordinal) => "the image",
        _ when field == "spec.hostname" => "--hostname",
        _ when field == "metadata.name" => "--name",
        _ => "podunits run",
    };

    /// <summary>
    /// The Kubernetes Pod that reproduces this ad-hoc pod, what `podunits export` prints: every
    /// string double-quoted with JSON's escapes (valid YAML), so no value can change the
    /// document's structure.
    /// </summary>
    /// <param name="values">false for the copy `--keep` leaves on disk: each --env entry's
    /// value is left out (a Secret passed as `--env-file prod.env` must not stay in
    /// /var/lib/podunits until `podunits rm`), its name kept.</param>
    public string ToYaml(string name, bool values = true)
    {
        Checked("--name", name);
        Checked("--hostname", Hostname);
        (IReadOnlyList<string> command, IReadOnlyList<string> args) = CommandAndArgs();
        var y = new StringBuilder();
        y.Append(CultureInfo.InvariantCulture, $"# An ad-hoc pod of `podunits run`, as a definition. To run it as a host service:\n");
        y.Append(CultureInfo.InvariantCulture, $"#   install it as /etc/podunits/pods/{name}.yaml, then: systemctl enable --now pod@{name}\n");
        // What -i (and -t) gave it, a service does not: a command that reads its input or
        // needs a terminal (a shell, cat, a REPL) ends at once there (review of the docs,
        // 2026-12-07, finding 3).
        y.Append(CultureInfo.InvariantCulture, $"# It ran with -i{(Terminal ? "t" : "")}: as a service its stdin is empty{(Terminal ? " and it has no terminal" : "")}.\n");
        y.Append(CultureInfo.InvariantCulture, $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {Q(name)}\n");
        DnsChoice dns = ParseDns(Dns);
        if (Network.Network is not null || dns == DnsChoice.Image)
        {
            y.Append("  annotations:\n");
            if (Network.Network is { } network) y.Append(CultureInfo.InvariantCulture, $"    podunits.io/network: {Q(network)}\n");
            if (dns == DnsChoice.Image) y.Append("    podunits.io/dns: \"none\"\n");
        }
        // One container has no neighbour to hide from; sharing the pod's PID namespace keeps
        // the pod init as its PID 1, so Ctrl-C and a stop's SIGTERM end a command that has no
        // handler for them (as `podman run --init` does), instead of the grace period's SIGKILL.
        y.Append("spec:\n  restartPolicy: Never\n  terminationGracePeriodSeconds: 2\n  shareProcessNamespace: true\n");
        if (Hostname is not null) y.Append(CultureInfo.InvariantCulture, $"  hostname: {Q(Hostname)}\n");
        if (Network.HostNetwork) y.Append("  hostNetwork: true\n");
        if (dns == DnsChoice.Servers)
        {
            y.Append(CultureInfo.InvariantCulture, $"  dnsPolicy: None\n  dnsConfig:\n    nameservers: [{string.Join(", ", Dns.Select(NameServer).Select(Q))}]\n");
        }
        var mounts = Volumes.Select(ParseVolume).ToList();
        if (mounts.Count > 0)
        {
            y.Append("  volumes:\n");
            for (int i = 0; i < mounts.Count; i++)
            {
                y.Append(CultureInfo.InvariantCulture, $"    - name: volume-{i}\n      hostPath: {{path: {Q(mounts[i].Host)}}}\n");
            }
        }
        y.Append(CultureInfo.InvariantCulture, $"  containers:\n    - name: main\n      image: {Q(Image)}\n      imagePullPolicy: {PullPolicy(Pull)}\n");
        // A definition's command and args expand $(VAR) and turn $$ into $ (Kubernetes); a
        // command line means what it says, as in podman run, so each $ is escaped.
        if (command.Count > 0) y.Append(CultureInfo.InvariantCulture, $"      command: [{string.Join(", ", command.Select(a => Q(Literal(a))))}]\n");
        if (args.Count > 0) y.Append(CultureInfo.InvariantCulture, $"      args: [{string.Join(", ", args.Select(a => Q(Literal(a))))}]\n");
        if (WorkingDir is not null) y.Append(CultureInfo.InvariantCulture, $"      workingDir: {Q(Absolute("--workdir", WorkingDir))}\n");
        if (Env.Count > 0)
        {
            y.Append("      env:\n");
            foreach ((string key, string value) in Env.Select(EnvVar))
            {
                if (values)
                {
                    y.Append(CultureInfo.InvariantCulture, $"        - {{name: {Q(key)}, value: {Q(Literal(value))}}}\n");
                }
                else
                {
                    y.Append(CultureInfo.InvariantCulture, $"        - {{name: {Q(key)}, value: \"\"}} # its value was not kept on disk\n");
                }
            }
        }
        if (Network.Ports.Count > 0)
        {
            y.Append("      ports:\n");
            foreach (ContainerPort port in Network.Ports)
            {
                y.Append(CultureInfo.InvariantCulture, $"        - {{containerPort: {port.Number}, protocol: {port.Protocol}");
                if (port.HostPort is int hostPort) y.Append(CultureInfo.InvariantCulture, $", hostPort: {hostPort}");
                if (port.HostIP is { } hostIP) y.Append(CultureInfo.InvariantCulture, $", hostIP: {Q(hostIP)}");
                y.Append("}\n");
            }
        }
        var limits = new List<string>();
        if (Memory is not null)
        {
            limits.Add($"memory: {Q(Quantity("--memory", Memory, Quantities.TryParseMemoryBytes))}");
            if (Quantities.TryParseMemoryBytes(Memory, out long bytes, out _) && bytes < Quantities.LeastCliMemoryBytes)
            {
                throw new BadInputException("--memory", $"\"{Memory}\": less than 6Mi, the least podman and Docker allow (the container would be OOM-killed at once)");
            }
        }
        if (Cpus is not null) limits.Add($"cpu: {Q(Quantity("--cpus", Cpus, Quantities.TryParseCpuMillis))}");
        if (limits.Count > 0) y.Append(CultureInfo.InvariantCulture, $"      resources: {{limits: {{{string.Join(", ", limits)}}}}}\n");
        if (User is not null)
        {
            (long uid, long? gid) = ParseUser(User);
            y.Append(CultureInfo.InvariantCulture, $"      securityContext: {{runAsUser: {uid}{(gid is long g ? $", runAsGroup: {g}" : "")}}}\n");
        }
        if (mounts.Count > 0)
        {
            y.Append("      volumeMounts:\n");
            for (int i = 0; i < mounts.Count; i++)
            {
                y.Append(CultureInfo.InvariantCulture, $"        - {{name: volume-{i}, mountPath: {Q(mounts[i].Container)}{(mounts[i].ReadOnly ? ", readOnly: true" : "")}}}\n");
            }
        }
        return y.ToString();
    }

    /// <summary>
    /// The container's command and args: the words after the image are args, so the image's
    /// ENTRYPOINT stays (podman run, kubectl run; they were the command, which ran
    /// `alpine/git -- --version` as the program "--version" and skipped every entrypoint
    /// script: review of the docs, 2026-12-07, finding 1). --entrypoint is the command;
    /// an empty one makes the words the whole command.
    /// </summary>
    private (IReadOnlyList<string> Command, IReadOnlyList<string> Args) CommandAndArgs() => Entrypoint switch
    {
        null => ([], Command),
        [] when Command.Count == 0 => throw new BadInputException("--entrypoint",
            "an empty entrypoint needs the command after the image (-- CMD ARGS...): the image's CMD goes with its ENTRYPOINT"),
        [] => (Command, []),
        _ => (Entrypoint, Command),
    };

    /// <summary>--entrypoint's value as podman reads it: a JSON array of strings, or one
    /// program (a plain string; "" for none).</summary>
    public static IReadOnlyList<string> ParseEntrypoint(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.TrimStart().StartsWith('['))
        {
            return value.Length == 0 ? [] : [value];
        }
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(value);
            if (json.RootElement.EnumerateArray().All(e => e.ValueKind == System.Text.Json.JsonValueKind.String))
            {
                return [.. json.RootElement.EnumerateArray().Select(e => e.GetString()!)];
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        throw new BadInputException("--entrypoint", $"\"{value}\": not a JSON array of strings (give one program, or [\"PROGRAM\", \"ARG\", ...])");
    }

    /// <summary>A YAML double-quoted scalar: JSON's string syntax, which YAML reads the same.</summary>
    private static string Q(string value) =>
        "\"" + JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value) + "\"";

    /// <summary>The definition's spelling of a literal value: $ escaped from $(VAR) expansion.</summary>
    private static string Literal(string value) => value.Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>The host side of each --volume (a malformed one fails here, as in the definition).</summary>
    public IEnumerable<string> VolumeHostPaths() => Volumes.Select(ParseVolume).Select(v => v.Host);

    private static (string Host, string Container, bool ReadOnly) ParseVolume(string spec)
    {
        string[] parts = spec.Split(':');
        return (parts.Length == 2 || (parts.Length == 3 && parts[2] is "ro" or "rw")) && parts[0].StartsWith('/') && parts[1].StartsWith('/')
            && !spec.Contains('\0', StringComparison.Ordinal)
            ? (parts[0], parts[1], parts.Length == 3 && parts[2] == "ro")
            : throw new BadInputException("--volume", $"\"{spec}\" is not HOST-PATH:CONTAINER-PATH[:ro] with absolute paths");
    }

    private enum DnsChoice { Host, Image, Servers }

    /// <summary>"host" and "none" stand alone (rkt's and podman's words); anything else is a nameserver.</summary>
    private static DnsChoice ParseDns(IReadOnlyList<string> dns)
    {
        if (dns.Count == 0)
        {
            return DnsChoice.Host;
        }
        if (dns.Any(d => d is "host" or "none"))
        {
            return dns.Count == 1 ? (dns[0] == "host" ? DnsChoice.Host : DnsChoice.Image)
                : throw new BadInputException("--dns", "\"host\" and \"none\" cannot be combined with other --dns values");
        }
        return DnsChoice.Servers;
    }

    private static string NameServer(string text) =>
        System.Net.IPAddress.TryParse(text, out _) ? text : throw new BadInputException("--dns", $"\"{text}\" is not an IP address");

    /// <summary>A name in rkt's manner (<c>rkt-UUID</c>) that is also a valid pod, machine and host name.</summary>
    public static string GenerateName() =>
        "pod-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static string? Checked(string option, string? name) =>
        name is null ? null
        : ResourceNames.Explain(name) is { } why ? throw new BadInputException(option, $"\"{name}\" is not a valid name: {why}")
        : name;

    private static string PullPolicy(string pull) => pull switch
    {
        "always" => nameof(ImagePullPolicy.Always),
        "missing" => nameof(ImagePullPolicy.IfNotPresent),
        "never" => nameof(ImagePullPolicy.Never),
        _ => throw new BadInputException("--pull", $"\"{pull}\" is not always, missing or never"),
    };

    private static (string Name, string Value) EnvVar(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        // The name alone in the error: what follows it may be a value (a space typed for '=').
        return eq <= 0 || text.Contains('\0', StringComparison.Ordinal)
            ? throw new BadInputException("--env", $"an entry{(eq > 0 ? $" for {text[..eq].Replace("\0", "\\0", StringComparison.Ordinal)}" : "")} is not NAME=VALUE or NAME (it is not shown: it may hold a value)")
            : (text[..eq], text[(eq + 1)..]);
    }

    private static string Absolute(string option, string path) =>
        path.StartsWith('/') && !path.Contains('\0', StringComparison.Ordinal) ? path : throw new BadInputException(option, $"\"{path}\" is not an absolute path");

    private delegate bool QuantityParser(string text, out long value, out string? error);

    /// <summary><paramref name="text"/>, checked as a quantity above 0.</summary>
    private static string Quantity(string option, string text, QuantityParser parse) =>
        parse(text, out long value, out string? error) && value > 0 ? text
        : throw new BadInputException(option, $"\"{text}\": {error ?? "must be more than 0"}");

    private static (long Uid, long? Gid) ParseUser(string user)
    {
        string[] parts = user.Split(':');
        long Id(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id <= uint.MaxValue - 1
            ? id : throw new BadInputException("--user", $"\"{user}\" is not UID or UID:GID");
        return parts.Length is 1 or 2
            ? (Id(parts[0]), parts.Length == 2 ? Id(parts[1]) : null)
            : throw new BadInputException("--user", $"\"{user}\" is not UID or UID:GID");
    }
}
