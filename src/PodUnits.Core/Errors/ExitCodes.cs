namespace PodUnits.Core.Errors;

/// <summary>The exit codes of every podunits command (docs/design.md, "CLI").</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Something failed while doing the work: a syscall, systemd, the registry.</summary>
    public const int RuntimeFailure = 1;

    /// <summary>The caller asked for something wrong: usage or definition errors.</summary>
    public const int BadInput = 2;

    /// <summary>A command to run in a container (`enter`, `run -i`) could not be set up there:
    /// podman's and a shell's 125, told from the command's own statuses.</summary>
    public const int ContainerSetupFailed = 125;
}
