namespace PodUnits.Core.Errors;

/// <summary>
/// PODUNITS_VERBOSE=1: the one switch for details, passed down the process chain (`podunits
/// --verbose run` sets it before exec'ing stage 1; pod@NAME.service may set it with a drop-in;
/// the pod init hands it on to container-start). With it, an error adds its stack trace and
/// container-start says how long each set-up step took.
/// </summary>
public static class Verbosity
{
    public const string Variable = "PODUNITS_VERBOSE";

    public static bool IsOn => Environment.GetEnvironmentVariable(Variable) == "1";
}
