using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Runtime.Init;

/// <summary>
/// securityContext.fsGroup on a volume PodUnits has just created, as the kubelet's
/// SetVolumeOwnership leaves it: group <c>fsGroup</c>; files gain group read (and write
/// unless the volume is read-only); directories also group search and the setgid bit, so
/// what a container creates there takes the group too.
/// </summary>
/// <remarks>Only for volumes no container has touched yet (a fresh emptyDir, a configuration
/// volume the pod init writes): walking a directory a running container can change would
/// follow a symlink swapped in behind the check onto a host file, so claims are left as they
/// are (docs/confinement.md).</remarks>
internal static class FsGroupOwnership
{
    private const uint GroupReadWrite = 0x1b0; // 0660
    private const uint GroupRead = 0x120;      // 0440
    private const uint Search = 0x48;          // 0110
    private const uint SetGid = 0x400;         // 02000

    /// <summary>Applies to <paramref name="path"/> itself, a file or a directory.</summary>
    public static unsafe void Apply(string path, uint fsGroup, bool readOnly)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return; // the kubelet's atomic writer links: their targets get it
        }
        bool directory = info.Attributes.HasFlag(FileAttributes.Directory);
        uint mask = (readOnly ? GroupRead : GroupReadWrite) | (directory ? Search | SetGid : 0);
        using (var p = new CString(path))
        {
            Check.Io(LibC.lchown(p, uint.MaxValue, fsGroup), "lchown", path); // -1: the owner stays
            Check.Io(LibC.chmod(p, (mode_t)(((uint)info.UnixFileMode & 0xfff) | mask)), "chmod", path);
        }
    }
}
