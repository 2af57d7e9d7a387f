namespace PodUnits.Core.Errors;

/// <summary>
/// The root of every error PodUnits reports to a person. The CLI prints it as
/// <c>podunits: WHAT: WHY</c> and exits with <see cref="ExitCode"/>; the stack trace is shown
/// only with --verbose, so <see cref="Exception.Message"/> must stand on its own.
/// </summary>
public class PodUnitsException : Exception
{
    public PodUnitsException(string what, string why, int exitCode = ExitCodes.RuntimeFailure, Exception? inner = null)
        : base($"{what}: {why}", inner)
    {
        What = what;
        Why = why;
        ExitCode = exitCode;
    }

    /// <summary>What was being done or looked at ("pod hello", "/etc/podunits/pods/x.yaml:3:5").</summary>
    public string What { get; }

    /// <summary>Why it failed, in words a person can act on.</summary>
    public string Why { get; }

    public int ExitCode { get; }

    public PodUnitsException() : this("podunits", "unknown error") { }

    public PodUnitsException(string message) : this("podunits", message) { }

    public PodUnitsException(string message, Exception innerException)
        : this("podunits", message, ExitCodes.RuntimeFailure, innerException) { }
}
