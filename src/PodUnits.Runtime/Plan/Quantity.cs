using PodUnits.Definitions;

namespace PodUnits.Runtime.Plan;

/// <summary>Kubernetes resource quantities for the plan: memory to bytes, cpu to millicores.
/// One set of rules for the whole product: this defers to the validator's parser
/// (<see cref="Quantities"/>), which already accepted the definition's values.</summary>
public static class Quantity
{
    public static ulong? Bytes(string text) =>
        Quantities.TryParseMemoryBytes(text, out long bytes, out _) && bytes >= 0 ? (ulong)bytes : null;

    public static ulong? Millicores(string text) =>
        Quantities.TryParseCpuMillis(text, out long millis, out _) && millis >= 0 ? (ulong)millis : null;
}
