namespace PodUnits.Definitions;

/// <summary>What the definitions layer needs to know about an image reference.</summary>
public static class ImageReferences
{
    /// <summary>`image: dir:/abs/path` runs a root filesystem directory, not a store image.</summary>
    public const string DirectoryScheme = "dir:";

    public static bool IsDirectory(string image) => image.StartsWith(DirectoryScheme, StringComparison.Ordinal);

    /// <summary>Kubernetes' default imagePullPolicy: Always when the tag is ":latest", or when
    /// there is neither a tag nor a digest (the API's ParseImageName then says "latest");
    /// IfNotPresent otherwise. `app:latest@sha256:...` keeps its tag, so Always.</summary>
    public static ImagePullPolicy DefaultPullPolicy(string image)
    {
        int at = image.IndexOf('@', StringComparison.Ordinal);
        string named = at >= 0 ? image[..at] : image;
        int slash = named.LastIndexOf('/');
        int colon = named.LastIndexOf(':');
        if (colon <= slash)
        {
            return at >= 0 ? ImagePullPolicy.IfNotPresent : ImagePullPolicy.Always;
        }
        return named[(colon + 1)..] == "latest" ? ImagePullPolicy.Always : ImagePullPolicy.IfNotPresent;
    }

    /// <summary>Why <paramref name="image"/> cannot be a reference (whitespace, empty, not
    /// Docker's grammar, a dir: that is not absolute), or null.</summary>
    public static string? Explain(string image)
    {
        if (image.Length == 0)
        {
            return "must not be empty";
        }
        if (image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "must not contain spaces or control characters";
        }
        if (image.StartsWith("docker://", StringComparison.Ordinal) ? image.Length == 9 : image[0] is ':' or '@' or '/')
        {
            return "is not an image reference (expected e.g. busybox:1.36)";
        }
        if (IsDirectory(image))
        {
            string dir = image[DirectoryScheme.Length..];
            return !dir.StartsWith('/') ? "must name an absolute path after dir:"
                // They would end up in the overlay mount options, which use them as separators.
                : dir.IndexOfAny([':', ',', '\\']) >= 0 ? "must not contain ':', ',' or '\\' in its dir: path" : null;
        }
        // The grammar the store and the registry client parse it with when the pod starts,
        // so that `validate` refuses what a start would.
        return Core.Naming.ImageReference.TryParse(image, out _, out string? why) ? null : $"is not an image reference: {why}";
    }
}
