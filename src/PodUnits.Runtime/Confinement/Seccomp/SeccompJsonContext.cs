using System.Text.Json.Serialization;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>Source-generated (NativeAOT) reading of <see cref="SeccompProfile"/>. Field names match
/// case-insensitively, as Go's encoding/json (dockerd, containers/common) reads these files;
/// unknown fields are found beforehand by <see cref="SeccompJsonFields"/>. Properties with a
/// default value have setters: generated code would set a missing init-only one to null.</summary>
[JsonSerializable(typeof(SeccompProfile))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    RespectNullableAnnotations = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class SeccompJsonContext : JsonSerializerContext;
