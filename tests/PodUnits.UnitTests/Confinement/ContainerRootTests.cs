using PodUnits.Core.Errors;
using PodUnits.Runtime.Container;

namespace PodUnits.UnitTests.Confinement;

/// <summary>
/// Mount targets are resolved inside the container root, against the real kernel (openat2
/// RESOLVE_IN_ROOT): an image's absolute or relative symlinks, `..` and dangling links all
/// land inside the root, and what is missing is created there, never on the host.
/// </summary>
public sealed class ContainerRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-root-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("podunits-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private string Resolved(int fd)
    {
        try
        {
            return new FileInfo(ContainerRoot.ProcFd(fd)).LinkTarget!;
        }
        finally
        {
            PodUnits.Core.Native.LibcExtra.close(fd);
        }
    }

    [Fact]
    public void AbsoluteSymlinksAreFollowedInsideTheRoot()
    {
        Directory.CreateDirectory($"{_root}/run");
        Directory.CreateDirectory($"{_root}/var");
        File.CreateSymbolicLink($"{_root}/var/run", "/run");
        File.CreateSymbolicLink($"{_root}/etc", _outside); // an image pointing at a host path
        using var root = new ContainerRoot(_root);

        Assert.Equal($"{_root}/run/app", Resolved(root.Directory("/var/run/app")));
        Assert.Equal($"{_root}{_outside}/hosts", Resolved(root.File("/etc/hosts")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    /// <summary>Review of 2026-12-05: a volume's missing subPath was made 0755 and root's, so
    /// a non-root container could not write in an emptyDir's subPath. Made with the volume
    /// root's mode, setgid and sticky bits included, whatever the umask, as the kubelet does.</summary>
    [Fact]
    public void DirectoriesMadeLikeTheRootGetItsMode()
    {
        var mode = (UnixFileMode)Convert.ToInt32("3777", 8); // setgid and sticky, as an fsGroup emptyDir's
        File.SetUnixFileMode(_root, mode);
        using (var root = new ContainerRoot(_root, directoriesLikeRoot: true))
        {
            PodUnits.Core.Native.LibcExtra.close(root.Directory("/cache/deep"));
        }
        Assert.Equal(mode, File.GetUnixFileMode($"{_root}/cache"));
        Assert.Equal(mode, File.GetUnixFileMode($"{_root}/cache/deep"));
        using (var plain = new ContainerRoot(_root))
        {
            PodUnits.Core.Native.LibcExtra.close(plain.Directory("/mnt/point"));
        }
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), File.GetUnixFileMode($"{_root}/mnt") & ~UnixFileMode.SetGroup);
    }

    /// <summary>User-namespace review of 2026-12-07, finding 2: what is made for a pod with
    /// its own user namespace became (ns-root, ns-root), so a subPath made in an fsGroup
    /// emptyDir (setgid) lost fsGroup. Under a setgid parent only the owner changes; elsewhere
    /// the group is the namespace root's too. Needs root (chown to other IDs).</summary>
    [Fact]
    public void UnderASetgidParentOnlyTheOwnerIsSetAndTheGroupStays()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // chown to another user needs CAP_CHOWN; the integration tests cover it as root
        }
        const uint namespaceRoot = 524288, fsGroupOnHost = namespaceRoot + 2000;
        // An emptyDir as PodState.Prepare leaves it for fsGroup 2000: setgid, fsGroup's group.
        string volume = Directory.CreateDirectory($"{_root}/volume").FullName;
        string plain = Directory.CreateDirectory($"{_root}/plain").FullName;
        File.SetUnixFileMode(volume, (UnixFileMode)Convert.ToInt32("2777", 8));
        Assert.Equal(0, Images.Stat.Chown(volume, namespaceRoot, fsGroupOnHost));
        using (var root = new ContainerRoot(volume, owner: namespaceRoot, directoriesLikeRoot: true))
        {
            PodUnits.Core.Native.LibcExtra.close(root.Directory("/cache"));
            PodUnits.Core.Native.LibcExtra.close(root.File("/cache/conf"));
        }
        using (var root = new ContainerRoot(plain, owner: namespaceRoot))
        {
            PodUnits.Core.Native.LibcExtra.close(root.Directory("/made"));
        }
        Assert.Equal((namespaceRoot, fsGroupOnHost), Images.Stat.Owner($"{volume}/cache"));
        Assert.Equal((namespaceRoot, fsGroupOnHost), Images.Stat.Owner($"{volume}/cache/conf"));
        Assert.Equal((namespaceRoot, namespaceRoot), Images.Stat.Owner($"{plain}/made"));
    }

    [Fact]
    public void DotDotStopsAtTheRoot()
    {
        using var root = new ContainerRoot(_root);
        Assert.Equal($"{_root}/data", Resolved(root.Directory("/../../../data")));
        File.CreateSymbolicLink($"{_root}/up", "../../../../..");
        Assert.Equal($"{_root}/x", Resolved(root.Directory("/up/x")));
    }

    [Fact]
    public void DanglingSymlinkGetsItsTargetCreatedInsideTheRoot()
    {
        // Debian's /etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf, with no /run yet.
        Directory.CreateDirectory($"{_root}/etc");
        File.CreateSymbolicLink($"{_root}/etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf");
        using var root = new ContainerRoot(_root);
        Assert.Equal($"{_root}/run/systemd/resolve/stub-resolv.conf", Resolved(root.File("/etc/resolv.conf")));
        Assert.True(File.Exists($"{_root}/run/systemd/resolve/stub-resolv.conf"));
    }

    [Fact]
    public void ExistingEntriesAreOpenedNotReplaced()
    {
        Directory.CreateDirectory($"{_root}/etc");
        File.WriteAllText($"{_root}/etc/hostname", "image's\n");
        using var root = new ContainerRoot(_root);
        Assert.Equal($"{_root}/etc/hostname", Resolved(root.File("/etc/hostname")));
        Assert.Equal("image's\n", File.ReadAllText($"{_root}/etc/hostname"));
        Assert.Null(root.TryExisting("/no/such/thing"));
        (int fd, bool isDirectory) = root.TryExisting("/etc")!.Value;
        Assert.True(isDirectory);
        Assert.Equal($"{_root}/etc", Resolved(fd));
    }

    [Fact]
    public void AFileWhereADirectoryIsNeededIsAnErrorNamingThePath()
    {
        File.WriteAllText($"{_root}/data", "");
        using var root = new ContainerRoot(_root);
        var e = Assert.Throws<NativeCallException>(() => root.Directory("/data/x"));
        Assert.Contains("/data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SymlinkLoopsEndWithAnError()
    {
        File.CreateSymbolicLink($"{_root}/a", "/b");
        File.CreateSymbolicLink($"{_root}/b", "/a");
        using var root = new ContainerRoot(_root);
        Assert.Throws<NativeCallException>(() => root.File("/a"));
    }

    [Theory]
    [InlineData("/a/b/c", "/a/b", "c")]
    [InlineData("/a", "/", "a")]
    [InlineData("/a/b/", "/a", "b")]
    [InlineData("/", "/", "")]
    public void SplitsPathsIntoParentAndName(string path, string parent, string name) =>
        Assert.Equal((parent, name), ContainerRoot.Split(path));
}
