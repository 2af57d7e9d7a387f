using System.Globalization;
using System.Security.Cryptography;
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
    public IReadOnlyList<string> Command { get; init; } = [];
    public InteractiveNetwork Network { get; init; } = InteractiveNetwork.Default;
    /// <summary>-t: a pseudo-terminal of the container's own (Executor/PodTerminal.cs).</summary>
    public bool Terminal { get; init; }
    /// <summary>--name; default a generated <c>pod-XXXXXXXX</c>, the pod's machine name too.</summary>
    public string? Name { get; init; }
    /// <summary>--hostname; default the pod's name (rkt: <c>rkt-UUID</c>).</summary>
    public string? Hostname { get; init; }
    /// <summary>--env K=V, in order; a later K wins, as in a definition.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    /// <summary>--user UID[:GID], numeric (names would need the image's /etc/passwd before the
    /// pod exists; podman resolves them, this is a documented deviation).</summary>
    public string? User { get; init; }
    /// <summary>--pull always|missing|never (podman's words; missing is the default).</summary>
    public string Pull { get; init; } = "missing";
    /// <summary>--memory and --cpus, Kubernetes quantities (256Mi, 1.5 or 1500m).</summary>
    public string? Memory { get; init; }
    public string? Cpus { get; init; }

    /// <summary>The pod these options describe; <paramref name="generatedName"/> when no --name.</summary>
    public PodDefinition Definition(string generatedName)
    {
        string name = Checked("--name", Name) ?? generatedName;
        var container = new ContainerDefinition
        {
            Name = "main",
            Image = Image,
            ImagePullPolicy = PullPolicy(Pull),
            // A definition's command expands $(VAR) and turns $$ into $ (Kubernetes); a command
            // line means what it says, as in podman run, so each $ is escaped.
            Command = Command.Count > 0 ? [.. Command.Select(a => a.Replace("$", "$$", StringComparison.Ordinal))] : null,
            Ports = Network.Ports,
            Env = [.. Env.Select(EnvVar)],
            WorkingDir = WorkingDir is null ? null : Absolute("--workdir", WorkingDir),
            Limits = new ResourceLimits(Quantity("--memory", Memory, Quantities.TryParseMemoryBytes), Quantity("--cpus", Cpus, Quantities.TryParseCpuMillis)),
            SecurityContext = User is null ? null : UserContext(User),
        };
        return new PodDefinition
        {
            Name = name,
            Hostname = Checked("--hostname", Hostname),
            SourcePath = "(podunits run)",
            TerminationGracePeriodSeconds = 2,
            RestartPolicy = RestartPolicy.Never,
            HostNetwork = Network.HostNetwork,
            Network = Network.Network is { } named ? new NetworkChoice(named, 0, 0) : null,
            Containers = [container],
        };
    }

    /// <summary>A name in rkt's manner (<c>rkt-UUID</c>) that is also a valid pod, machine and host name.</summary>
    public static string GenerateName() =>
        "pod-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static string? Checked(string option, string? name) =>
        name is null ? null
        : ResourceNames.Explain(name) is { } why ? throw new BadInputException(option, $"\"{name}\" is not a valid name: {why}")
        : name;

    private static ImagePullPolicy PullPolicy(string pull) => pull switch
    {
        "always" => ImagePullPolicy.Always,
        "missing" => ImagePullPolicy.IfNotPresent,
        "never" => ImagePullPolicy.Never,
        _ => throw new BadInputException("--pull", $"\"{pull}\" is not always, missing or never"),
    };

    private static EnvVar EnvVar(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0 || text.Contains('\0', StringComparison.Ordinal)
            ? throw new BadInputException("--env", $"\"{text}\" is not NAME=VALUE")
            : new EnvVar(text[..eq], text[(eq + 1)..]);
    }

    private static string Absolute(string option, string path) =>
        path.StartsWith('/') && !path.Contains('\0', StringComparison.Ordinal) ? path : throw new BadInputException(option, $"\"{path}\" is not an absolute path");

    private delegate bool QuantityParser(string text, out long value, out string? error);

    private static long? Quantity(string option, string? text, QuantityParser parse) =>
        text is null ? null
        : parse(text, out long value, out string? error) && value > 0 ? value
        : throw new BadInputException(option, $"\"{text}\": {error ?? "must be more than 0"}");

    private static ContainerSecurityContext UserContext(string user)
    {
        string[] parts = user.Split(':');
        long? Id(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id <= uint.MaxValue - 1
            ? id : throw new BadInputException("--user", $"\"{user}\" is not UID or UID:GID (numbers; names are not looked up)");
        return parts.Length is 1 or 2
            ? new ContainerSecurityContext(Id(parts[0]), parts.Length == 2 ? Id(parts[1]) : null, false, false, null, [], [])
            : throw new BadInputException("--user", $"\"{user}\" is not UID or UID:GID");
    }
}
