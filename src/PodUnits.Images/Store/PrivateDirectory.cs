namespace PodUnits.Images.Store;

/// <summary>
/// The directories the store makes at its top (the root, blobs/, layers/, tmp/) are root's
/// alone: layer directories keep images' setuid binaries and devices' owners as the image
/// has them, so a host user who can reach them could run an image's setuid-root program
/// (the CVE-2021-41091 class; moby made /var/lib/docker 0701/0700). Packaging creates
/// /var/lib/podunits 0700; a root created here (another PODUNITS_STORE_ROOT, a test) gets
/// 0700 too, whatever the umask. One that exists already is left as it is.
/// </summary>
internal static class PrivateDirectory
{
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Create(string path)
    {
        if (Directory.Exists(path)) return;
        // Parents as usual (a store root's parent is not the store's); the directory itself 0700.
        if (Path.GetDirectoryName(path) is { Length: > 0 } parent) Directory.CreateDirectory(parent);
        Directory.CreateDirectory(path, Mode0700);
        File.SetUnixFileMode(path, Mode0700); // mkdir's mode is less the umask
    }
}
