namespace PodUnits.Core.Errors;

/// <summary>The caller's input is wrong (usage, a name, a definition): exit code 2.</summary>
public sealed class BadInputException : PodUnitsException
{
    public BadInputException(string what, string why) : base(what, why, ExitCodes.BadInput) { }

    public BadInputException() : this("input", "invalid") { }

    public BadInputException(string message) : this("input", message) { }

    public BadInputException(string message, Exception innerException)
        : base("input", message, ExitCodes.BadInput, innerException) { }
}
