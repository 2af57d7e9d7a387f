namespace PodUnits.Planning.AdHoc;

/// <summary>
/// `podunits run -it`: TERM for a container with a pseudo-terminal of its own. Without it
/// `clear` and `top` refused to start and `less`, `vi` and readline fell back to a dumb
/// terminal, while `enter -it` of the same pod worked (interactive review of 2026-12-07,
/// finding 3). xterm, as docker, podman and containerd's CRI set for a tty container, not the
/// caller's $TERM: the image may have no terminfo entry for it (xterm-kitty, alacritty), and
/// the pod may outlive this terminal and be attached from another. The image's ENV and
/// `--env`/`--env-file` win, as in docker. Only in the plan: a service made by `export` has
/// no terminal, so the exported YAML does not get it.
/// </summary>
public static class TerminalEnvironment
{
    public const string DefaultTerm = "TERM=xterm";

    /// <summary>Adds <see cref="DefaultTerm"/> to <paramref name="env"/> (NAME=VALUE entries)
    /// unless one of them sets TERM already, even to "".</summary>
    public static void AddTerm(List<string> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (!env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
        {
            env.Add(DefaultTerm);
        }
    }
}
