using System.Text.Json;
using System.Text.Json.Serialization;
using PodUnits.Core.Errors;
using PodUnits.Core.Files;

namespace PodUnits.Cli.Refresh;

/// <summary>
/// What the last `podunits refresh` saw: every pod name with its definition's hash, and a
/// digest of the ConfigMap and Secret files (names, sizes and modification times, never
/// their content). Package managers say that something changed, not what (a dpkg trigger
/// carries no file list); comparing with this record is how a refresh tells a pod a package
/// just installed from one an administrator stopped on purpose. Written atomically.
/// </summary>
internal sealed class RefreshRecord
{
    public const string DefaultPath = "/var/lib/podunits/refresh.json";

    /// <summary>Pod name → SHA-256 of its definition when the refresh ran.</summary>
    public Dictionary<string, string> Pods { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Pod name → its podunits.io/listen as the socket unit's settings
    /// (<c>ListenStream=127.0.0.1:8080</c>), for pods that have one, as the refresh left them:
    /// what an active pod@NAME.socket listens on, unless someone restarted it since. The next
    /// refresh compares it with the definition, since a daemon-reload changes the socket
    /// unit's settings without opening the new addresses (<see cref="ListenSettings"/>). A pod
    /// without one is absent; null for a pod means unknown. Null in a record from before it was kept.</summary>
    public Dictionary<string, List<string>?>? Listen { get; init; }

    /// <summary><see cref="ConfigDigest"/> when the refresh ran.</summary>
    public string? Config { get; init; }

    /// <summary>The record, or null when no refresh has run yet. A damaged record fails loudly
    /// rather than making every enabled pod look new.</summary>
    public static RefreshRecord? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RefreshJsonContext.Default.RefreshRecord)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new PodUnitsException(path, $"is not a refresh record ({JsonErrors.Describe(e)}); remove it and run 'podunits refresh' again");
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The image store's gc sweeps only its own temporaries in this directory (images
        // review of 2026-12-07, finding 3): a killed refresh's are removed here.
        AtomicFile.RemoveDeadTemporaries(path);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, RefreshJsonContext.Default.RefreshRecord));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(RefreshRecord))]
[JsonSerializable(typeof(List<RefreshReport>))]
internal sealed partial class RefreshJsonContext : JsonSerializerContext;
