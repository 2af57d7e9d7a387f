namespace PodUnits.Runtime.Spawning;

/// <summary>
/// One message of the short exchange between <see cref="Exec.ExecLauncher"/> (`podunits
/// enter`, exec probes) and the container-exec helper it starts (Container/ContainerExec.cs)
/// on the helper's fd 3 (docs/process-model.md, "Exec protocol"), typed like
/// <see cref="PodControlMessage"/>:
/// launcher → helper <see cref="Go"/>; with a terminal helper → launcher <see cref="Pty"/>
/// (+ the master) and launcher → helper <see cref="Sized"/>; then either the end of the
/// stream (the command's execve closed fd 3: it runs) or helper → launcher
/// <see cref="Failed"/>. Native/enter.c writes a <see cref="Failed"/> too, as text.
/// </summary>
public abstract record ExecControlMessage : IControlMessage
{
    public abstract string Format();

    /// <summary>The message <paramref name="text"/> (one packet) carries.</summary>
    /// <exception cref="ProtocolException">It is none of the exchange's messages.</exception>
    public static ExecControlMessage Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = text.Split(' ', 2);
        return (words[0], words.Length > 1 ? words[1] : "") switch
        {
            ("go", "") => new Go(),
            ("pty", "") => new Pty(),
            ("sized", "") => new Sized(),
            ("failed", { Length: > 0 } why) => new Failed(why),
            _ => throw new ProtocolException(text),
        };
    }

    /// <summary>The helper is in the container's scope: it may join the container and go on.</summary>
    public sealed record Go : ExecControlMessage
    {
        public override string Format() => "go";
    }

    /// <summary>The master of a pseudo-terminal of the container's devpts comes with this message.</summary>
    public sealed record Pty : ExecControlMessage
    {
        public override string Format() => "pty";
    }

    /// <summary>The pseudo-terminal has the caller's window size: the command may start.</summary>
    public sealed record Sized : ExecControlMessage
    {
        public override string Format() => "sized";
    }

    /// <summary>The command will not run, and why (free text, last).</summary>
    public sealed record Failed(string Why) : ExecControlMessage
    {
        public override string Format() => $"failed {Why}";
    }
}

/// <summary>A message of one of the protocols spoken over a <see cref="ControlChannel"/>.</summary>
public interface IControlMessage
{
    /// <summary>The words sent in one packet.</summary>
    string Format();
}
