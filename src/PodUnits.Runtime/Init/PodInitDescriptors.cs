namespace PodUnits.Runtime.Init;

/// <summary>
/// The descriptors the executor hands the pod init (docs/process-model.md), in one place:
/// 0-2 the executor's own stdio, 3 the control socket, then two pipes per container of the
/// plan in order (its stdout, then its stderr: what the container writes, which the
/// executor forwards to the journal), then the sealed plan, then the listening sockets of a
/// socket-activated pod (<see cref="Listen"/>).
/// </summary>
public static class PodInitDescriptors
{
    public const int Control = 3;

    private const int FirstOutput = 4;

    /// <summary>Index of container <paramref name="container"/>'s stdout (or stderr) among the
    /// two pipes per container (from <see cref="FirstOutput"/>): 2i stdout, 2i + 1 stderr.</summary>
    public static int StreamIndex(int container, bool stderr) => (2 * container) + (stderr ? 1 : 0);

    /// <summary>The pod init's descriptor for the write end of container <paramref name="container"/>'s pipe.</summary>
    public static int Output(int container, bool stderr) => FirstOutput + StreamIndex(container, stderr);

    /// <summary>Every output pipe's descriptor, for a pod of <paramref name="containers"/> containers.</summary>
    public static IEnumerable<int> Outputs(int containers) => Enumerable.Range(FirstOutput, 2 * containers);

    /// <summary>The sealed plan: the first descriptor after the containers' pipes.</summary>
    public static int Plan(int containers) => FirstOutput + (2 * containers);

    /// <summary>Listening socket <paramref name="index"/> systemd passed the executor
    /// (Activation/ListenFds.cs), after the plan; how many there are says the variable
    /// ListenFds.HandoffVariable.</summary>
    public static int Listen(int containers, int index) => Plan(containers) + 1 + index;

    /// <summary>`run -it`: the executor's socket for the container's pseudo-terminal
    /// (Attach/TerminalHub.cs), where listening sockets would start; an interactive pod has
    /// none. The pod init passes it on to the container's container-start.</summary>
    public static int Terminal(int containers) => Plan(containers) + 1;
}
