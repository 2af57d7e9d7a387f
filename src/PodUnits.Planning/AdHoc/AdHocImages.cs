using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Images.Progress;
using PodUnits.Images.Store;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.AdHoc;

/// <summary>
/// What an ad-hoc pod's options need from the image store before they become a definition:
/// an <c>oci-archive:</c> or <c>docker-archive:</c> image is imported (containers/image's
/// transports, as podman run takes them), and a user name in --user is looked up in the
/// image's /etc/passwd (a definition's runAsUser is a number; podman resolves names the same way).
/// </summary>
public static class AdHocImages
{
    public static readonly IReadOnlyList<string> ArchiveSchemes = ["oci-archive:", "docker-archive:"];

    public static async Task<AdHocOptions> PrepareAsync(AdHocOptions options, ImageStore store, string podName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options = await ImportArchiveAsync(options, store).ConfigureAwait(false);
        return await ResolveUserNameAsync(options, store, podName).ConfigureAwait(false);
    }

    /// <summary><c>oci-archive:PATH[:REF]</c>, <c>docker-archive:PATH[:REF]</c>: imported
    /// into the store (under REF, else the name the archive gives), then run by that reference
    /// and never pulled.</summary>
    private static async Task<AdHocOptions> ImportArchiveAsync(AdHocOptions options, ImageStore store)
    {
        string? scheme = ArchiveSchemes.FirstOrDefault(s => options.Image.StartsWith(s, StringComparison.Ordinal));
        if (scheme is null)
        {
            return options;
        }
        // As containers/image splits it: the path ends at the first ':' (a reference has one of its own).
        string[] parts = options.Image[scheme.Length..].Split(':', 2);
        string path = parts[0];
        string? name = parts.Length == 2 && parts[1].Length > 0 ? parts[1] : null;
        if (path.Length == 0)
        {
            throw new BadInputException($"image {options.Image}", $"names no file: {scheme}PATH[:REF]");
        }
        if (!File.Exists(path))
        {
            throw new BadInputException($"image {options.Image}", $"no such file {path}");
        }
        IReadOnlyList<ResolvedImage> imported;
        try
        {
            imported = await store.ImportAsync(path, name, PullProgressRenderer.ForStandardError()).ConfigureAwait(false);
        }
        catch (BadInputException e) when (name is null && e.Message.Contains("--name", StringComparison.Ordinal))
        {
            throw new BadInputException($"image {options.Image}", $"the archive names no single image; name one: {scheme}{path}:REF");
        }
        if (imported.Count != 1)
        {
            throw new BadInputException($"image {options.Image}", $"the archive holds {imported.Count} images; name one: {scheme}{path}:REF");
        }
        return options with { Image = imported[0].Reference, Pull = "never" };
    }

    /// <summary>--user NAME[:GROUP]: numbers from the image's own /etc/passwd and /etc/group.</summary>
    private static async Task<AdHocOptions> ResolveUserNameAsync(AdHocOptions options, ImageStore store, string podName)
    {
        if (options.User is not { } user || user.Split(':').All(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return options;
        }
        // The image as the pod will have it (pulled if need be, as --pull says); resolving it
        // again at the start is a lookup in the store.
        PodDefinition probe = (options with { User = null }).Definition(podName);
        // Not pinned: the pod is not claimed yet, and the name may be a running pod's.
        ContainerImage image = (await ContainerImages.ResolveAsync(probe, store, _ => { }, pin: false).ConfigureAwait(false)).Values.Single();
        try
        {
            (long? uid, long? gid) = ImageUser.Resolve(user, relative => relative switch
            {
                "etc/passwd" => image.Accounts.Passwd,
                "etc/group" => image.Accounts.Group,
                _ => null,
            });
            return options with { User = string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid}") };
        }
        catch (ArgumentException e)
        {
            throw new BadInputException("--user", e.Message);
        }
    }
}
