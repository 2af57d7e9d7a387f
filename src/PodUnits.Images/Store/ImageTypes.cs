using PodUnits.Images.Oci;

namespace PodUnits.Images.Store;

/// <summary>imagePullPolicy as Kubernetes spells it.</summary>
public enum PullPolicy
{
    /// <summary>Ask the registry every time (the manifest; blobs already stored are reused).</summary>
    Always,
    /// <summary>Use the stored image; fetch only when it is missing.</summary>
    IfNotPresent,
    /// <summary>Use the stored image; a missing image is an error.</summary>
    Never,
}

/// <summary>An image ready to run: its layer directories in overlayfs lowerdir order (top
/// layer first) and how it wants to be run.</summary>
public sealed record ResolvedImage(
    string Reference,
    string ManifestDigest,
    string ConfigDigest,
    IReadOnlyList<string> LayerDirs,
    ImageConfig Config,
    string? Created,
    long Size)
{
    /// <summary>The lowerdir= value for mount(8) -t overlay.</summary>
    public string LowerDirOption => string.Join(':', LayerDirs);

    /// <summary>The OS/architecture the image's config names when it is not this host's
    /// (linux/<see cref="Oci.ManifestKind.HostArchitecture"/>), else null: a single-platform
    /// image built elsewhere is pulled and unpacked without a word and fails only at exec
    /// ("Exec format error"), where Docker and podman warn (images review of 2026-12-07,
    /// finding 7). An index's variant is chosen by platform already.</summary>
    public string? ForeignPlatform { get; init; }
}

/// <summary>One row of <c>podunits image list</c>.</summary>
public sealed record ImageSummary(string Reference, string Id, string ManifestDigest, long Size, string? Created);

public enum PullPhase
{
    /// <summary>The blob is already in the store.</summary>
    Exists,
    Downloading,
    /// <summary>A transfer broke; retrying from where it stopped.</summary>
    Retrying,
    /// <summary>Downloaded and verified against its digest.</summary>
    Done,
    Unpacking,
    Unpacked,
}

/// <summary>Progress of one blob of a pull, for a progress bar or a log line.
/// <paramref name="Note"/>: something the user should hear about, e.g. with
/// <see cref="PullPhase.Unpacked"/> the device nodes the unpacker skipped.</summary>
public readonly record struct PullProgress(string Digest, PullPhase Phase, long Done, long Total, string? Note = null);

/// <summary>What gc removed.</summary>
/// <param name="LayersKeptBecause">Why no layer directory was removed (a live image whose
/// manifest or config cannot be read), or null.</param>
public sealed record GcResult(int BlobsRemoved, int LayersRemoved, int TempsRemoved, long BytesFreed, string? LayersKeptBecause = null);
