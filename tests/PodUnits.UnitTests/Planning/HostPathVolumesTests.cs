using System.Net.Sockets;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.Configuration;

namespace PodUnits.UnitTests.Planning;

/// <summary>hostPath.type against real files in a scratch directory, as the kubelet checks it.</summary>
public sealed class HostPathVolumesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hostpath-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void Prepare(string path, HostPathType type) => HostPathVolumes.Prepare("pod p: volume v", new HostPathVolume(path, type));

    [Fact]
    public void DirectoryOrCreateMakesTheDirectoryAndItsParents()
    {
        string path = $"{_dir}/a/b";
        Prepare(path, HostPathType.DirectoryOrCreate);
        Assert.True(Directory.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(path));
        Prepare(path, HostPathType.DirectoryOrCreate); // there now: fine
        Prepare(path, HostPathType.Directory);
    }

    [Fact]
    public void FileOrCreateMakesAnEmptyFileButNotItsDirectory()
    {
        string path = $"{_dir}/f";
        Prepare(path, HostPathType.FileOrCreate);
        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Prepare(path, HostPathType.File);

        var e = Assert.Throws<PodUnitsException>(() => Prepare($"{_dir}/missing/f", HostPathType.FileOrCreate));
        Assert.Equal($"pod p: volume v: hostPath {_dir}/missing/f (type FileOrCreate): its directory {_dir}/missing does not exist", e.Message);
        Assert.False(Directory.Exists($"{_dir}/missing"));
    }

    [Theory]
    [InlineData(HostPathType.Directory, "nothing is there, not a directory")]
    [InlineData(HostPathType.File, "nothing is there, not a file")]
    [InlineData(HostPathType.Socket, "nothing is there, not a socket")]
    [InlineData(HostPathType.CharDevice, "nothing is there, not a character device")]
    [InlineData(HostPathType.BlockDevice, "nothing is there, not a block device")]
    public void ATypeWithoutCreateNeedsSomethingThere(HostPathType type, string why)
    {
        var e = Assert.Throws<PodUnitsException>(() => Prepare($"{_dir}/none", type));
        Assert.Equal($"pod p: volume v: hostPath {_dir}/none (type {type}): {why}", e.Message);
        Assert.False(Path.Exists($"{_dir}/none"));
    }

    [Fact]
    public void TheKindOfFileMustMatch()
    {
        File.WriteAllText($"{_dir}/file", "x");
        var e = Assert.Throws<PodUnitsException>(() => Prepare($"{_dir}/file", HostPathType.DirectoryOrCreate));
        Assert.EndsWith(": a file, not a directory", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<PodUnitsException>(() => Prepare(_dir, HostPathType.FileOrCreate));
        Assert.EndsWith(": a directory, not a file", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<PodUnitsException>(() => Prepare(_dir, HostPathType.Socket));
        Assert.EndsWith(": a directory, not a socket", e.Message, StringComparison.Ordinal);
        Prepare("/dev/null", HostPathType.CharDevice);
        e = Assert.Throws<PodUnitsException>(() => Prepare("/dev/null", HostPathType.BlockDevice));
        Assert.EndsWith(": a character device, not a block device", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASocketAndASymlinkToOneAreSockets()
    {
        string path = $"{_dir}/s.sock";
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        File.CreateSymbolicLink($"{_dir}/link", path);
        Prepare(path, HostPathType.Socket);
        Prepare($"{_dir}/link", HostPathType.Socket); // followed, as the mount follows it
    }

    /// <summary>Volumes review of 2026-12-07, finding 6: a creation the host refused escaped as
    /// an IOException, "internal error: The file ... already exists", naming neither the pod
    /// nor the volume.</summary>
    [Theory]
    [InlineData(HostPathType.DirectoryOrCreate)]
    [InlineData(HostPathType.FileOrCreate)]
    public void ADanglingLinkIsRefusedNamingTheVolumeAndWhereItPoints(HostPathType type)
    {
        File.CreateSymbolicLink($"{_dir}/dangling", $"{_dir}/nowhere");
        var e = Assert.Throws<PodUnitsException>(() => Prepare($"{_dir}/dangling", type));
        Assert.Equal($"pod p: volume v: hostPath {_dir}/dangling (type {type}): cannot create it: a symbolic link to {_dir}/nowhere, which does not exist",
            e.Message);
        Assert.False(Path.Exists($"{_dir}/nowhere"));
    }

    /// <summary>EROFS (a read-only /usr on an ostree host) and EACCES (root_squash) as the
    /// host gives them, through the creation's seam: a unit test runs as root on a writable disk.</summary>
    [Fact]
    public void ACreationTheHostRefusesIsOneLineWithTheSystemsWords()
    {
        var volume = new HostPathVolume($"{_dir}/usr/share/app-data", HostPathType.DirectoryOrCreate);
        var e = Assert.Throws<PodUnitsException>(() => HostPathCreation.Create("pod p: volume v", volume,
            () => throw new IOException($"Read-only file system : '{volume.Path}'", 30)));
        Assert.Equal($"pod p: volume v: hostPath {volume.Path} (type DirectoryOrCreate): cannot create it: Read-only file system", e.Message);

        e = Assert.Throws<PodUnitsException>(() => HostPathCreation.Create("pod p: volume v", volume with { Type = HostPathType.FileOrCreate },
            () => throw new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path")));
        Assert.Equal($"pod p: volume v: hostPath {volume.Path} (type FileOrCreate): cannot create it: "
            + "permission denied (root refused: an NFS export with root_squash, or a security module)", e.Message);
    }
}
