using System.Text.Json.Serialization;

namespace PodUnits.Cli.AutoUpdate;

/// <summary>One image of one pod, as `podunits auto-update` found and left it.
/// Result: unchanged, pinned (a digest reference: never moved), pending (--dry-run: would
/// update), updated, rolled-back (the pod did not become ready on the new image and runs the
/// old one again), failed (Error says why).</summary>
internal sealed record AutoUpdateResult(
    [property: JsonPropertyName("pod")] string Pod,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("running")] string? Running,
    [property: JsonPropertyName("registry")] string? Registry,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("error")] string? Error = null)
{
    public const string Unchanged = "unchanged", Pinned = "pinned", Pending = "pending", Updated = "updated",
        RolledBack = "rolled-back", Failed = "failed";

    /// <summary>What the exit status counts as a failure: the update did not happen as asked.</summary>
    [JsonIgnore]
    public bool IsFailure => Result is Failed or RolledBack;
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<AutoUpdateResult>))]
internal sealed partial class AutoUpdateJsonContext : JsonSerializerContext;
