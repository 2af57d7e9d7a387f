using System.Formats.Tar;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Images.Native;

namespace PodUnits.Images.Unpack;

/// <summary>What unpacking one layer produced.</summary>
public sealed record UnpackResult(string DiffId, long UncompressedBytes, IReadOnlyList<string> Notes);

/// <summary>
/// Unpacks one layer (a tar, gzip- or zstd-compressed or not) into an empty directory that
/// becomes an overlayfs lower layer. The rules (see SafePaths for the path ones):
/// - names are cleaned; one that climbs out of the root, a parent that is a symlink, a
///   hardlink whose target is outside or missing: the layer is refused;
/// - symlink entries are created as they are (they may point anywhere; nothing is written
///   through them, and overlayfs resolves them inside the container's root);
/// - whiteouts are converted to overlayfs form because each layer is its own lower dir:
///   <c>.wh.NAME</c> becomes a 0/0 character device NAME, <c>.wh..wh..opq</c> sets
///   trusted.overlay.opaque=y on its directory (both need root, as overlay mounts do).
///   Where mknod of 0/0 is not permitted (systemd-nspawn containers refuse it) the whiteout
///   is an "xattr whiteout" instead (Linux 6.7+): an empty file with
///   trusted.overlay.whiteout=y in a directory marked trusted.overlay.opaque=x;
/// - device nodes only as root and only char/block (skipped with a note otherwise);
/// - owner, mode (setuid included), mtime and PAX SCHILY.xattr.* kept; xattrs in the
///   trusted.overlay. namespace are refused, so a layer cannot forge overlay metadata;
/// - free space is checked before each file; running out fails cleanly (ENOSPC too).
/// The caller owns the directory and removes it when this throws.
/// </summary>
public sealed class LayerUnpacker
{
    private const long Reserve = 16L << 20;
    private readonly Func<string, long> _freeBytes;
    private readonly bool _isRoot;

    public LayerUnpacker() : this(DefaultFreeBytes, ImagesLibc.geteuid() == 0) { }

    /// <summary>For tests: a free-space probe and the privilege level to assume.</summary>
    internal LayerUnpacker(Func<string, long> freeBytes, bool isRoot)
    {
        _freeBytes = freeBytes;
        _isRoot = isRoot;
    }

    /// <summary>For tests: write xattr whiteouts even where mknod would work.</summary>
    internal bool ForceXattrWhiteouts { get; init; }

    public UnpackResult Unpack(Stream blob, string root, CancellationToken cancellationToken = default)
    {
        var notes = new List<string>();
        var directories = new List<(string Path, DateTimeOffset MTime)>();
        long free = _freeBytes(root);
        using HashingStream tarStream = LayerStreams.OpenTar(blob);
        using var reader = new TarReader(tarStream, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes
                or TarEntryType.LongLink or TarEntryType.LongPath)
                continue;
            string? relative = SafePaths.Clean(entry.Name);
            if (relative is null) throw SafePaths.Refuse(entry.Name, "it climbs out of the layer root with '..'");
            if (relative.Length == 0)
            {
                // The root itself ("./"): keep its metadata, nothing to create.
                if (entry.EntryType == TarEntryType.Directory) directories.Add((root, entry.ModificationTime));
                continue;
            }
            (string parent, string name) = SafePaths.Split(relative);
            SafePaths.EnsureDirectories(root, parent, entry.Name, create: true);
            string parentPath = parent.Length == 0 ? root : root + "/" + parent;

            if (name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                ApplyWhiteout(entry.Name, parentPath, name);
                continue;
            }
            string path = parentPath + "/" + name;
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (SafePaths.TypeOf(path) != ImagesLibc.S_IFDIR)
                    {
                        SafePaths.Remove(path);
                        ImagesLibc.CheckIo(ImagesLibc.mkdir(path, 0x1c0), "mkdir", path);
                    }
                    directories.Add((path, entry.ModificationTime));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    free = EnsureSpace(root, entry.Length, free, entry.Name);
                    SafePaths.Remove(path);
                    WriteFile(path, entry, cancellationToken);
                    free -= entry.Length;
                    break;
                case TarEntryType.SymbolicLink:
                    SafePaths.Remove(path);
                    ImagesLibc.CheckIo(ImagesLibc.symlink(entry.LinkName, path), "symlink", path);
                    break;
                case TarEntryType.HardLink:
                    MakeHardLink(root, path, entry);
                    continue; // shares the target's inode and metadata
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                    if (!_isRoot)
                    {
                        notes.Add($"skipped device node {relative}: creating device nodes needs root");
                        continue;
                    }
                    SafePaths.Remove(path);
                    var device = (PosixTarEntry)entry;
                    uint kind = entry.EntryType == TarEntryType.CharacterDevice ? (uint)ImagesLibc.S_IFCHR : (uint)ImagesLibc.S_IFBLK;
                    ImagesLibc.CheckIo(ImagesLibc.mknod(path, kind | 0x180, ImagesLibc.makedev((uint)device.DeviceMajor, (uint)device.DeviceMinor)), "mknod", path);
                    break;
                case TarEntryType.Fifo:
                    SafePaths.Remove(path);
                    ImagesLibc.CheckIo(ImagesLibc.mknod(path, (uint)ImagesLibc.S_IFIFO | 0x180, 0), "mknod", path);
                    break;
                default:
                    notes.Add($"skipped {relative}: tar entry type {entry.EntryType} is not supported");
                    continue;
            }
            ApplyMetadata(path, entry);
        }
        // Directory times last: creating their children changed them.
        for (int i = directories.Count - 1; i >= 0; i--)
            ImagesLibc.CheckIo(ImagesLibc.set_times_nofollow(directories[i].Path, directories[i].MTime), "utimensat", directories[i].Path);
        string diffId = tarStream.FinishDigest();
        return new UnpackResult(diffId, tarStream.BytesRead, notes);
    }

    private long EnsureSpace(string root, long needed, long free, string entryName)
    {
        if (needed + Reserve <= free) return free;
        free = _freeBytes(root); // someone may have freed space meanwhile
        if (needed + Reserve <= free) return free;
        throw new PodUnitsException($"unpacking into {root}",
            $"not enough free space for '{entryName}' ({needed} bytes; {Math.Max(0, free)} bytes free, {Reserve} kept in reserve)");
    }

    private static void WriteFile(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            // CreateNew is O_CREAT|O_EXCL: it never opens an existing file or follows a symlink.
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            if (entry.DataStream is not null && entry.Length > 0)
            {
                file.SetLength(entry.Length);
                cancellationToken.ThrowIfCancellationRequested();
                entry.DataStream.CopyTo(file, 1 << 17);
            }
        }
        catch (IOException e) when (e.HResult == ImagesLibc.ENOSPC || e.Message.Contains("No space left", StringComparison.Ordinal))
        {
            throw new PodUnitsException($"writing {path}", "no space left on device", ExitCodes.RuntimeFailure, e);
        }
    }

    private static void MakeHardLink(string root, string path, TarEntry entry)
    {
        string? target = SafePaths.Clean(entry.LinkName);
        if (target is null || target.Length == 0)
            throw SafePaths.Refuse(entry.Name, $"hardlink target '{entry.LinkName}' is outside the layer");
        (string targetParent, _) = SafePaths.Split(target);
        SafePaths.EnsureDirectories(root, targetParent, entry.Name, create: false);
        string targetPath = root + "/" + target;
        int type = SafePaths.TypeOf(targetPath);
        if (type == 0) throw SafePaths.Refuse(entry.Name, $"hardlink target '{entry.LinkName}' is not in the layer");
        if (type == ImagesLibc.S_IFDIR) throw SafePaths.Refuse(entry.Name, $"hardlink target '{entry.LinkName}' is a directory");
        if (targetPath == path) return;
        SafePaths.Remove(path);
        // link(2) does not follow a symlink given as the old path on Linux: a link to a
        // symlink is a second symlink, never a link to what it points at.
        ImagesLibc.CheckIo(ImagesLibc.link(targetPath, path), "link", path);
    }

    private void ApplyWhiteout(string entryName, string parentPath, string name)
    {
        if (name == ".wh..wh..opq")
        {
            SetXattr(parentPath, "trusted.overlay.opaque", "y"u8);
            return;
        }
        string hidden = name[".wh.".Length..];
        if (hidden.Length == 0 || hidden == "." || hidden == "..")
            throw SafePaths.Refuse(entryName, "whiteout names nothing");
        string path = parentPath + "/" + hidden;
        SafePaths.Remove(path);
        // overlayfs' whiteout: a character device with device number 0/0 (Documentation/filesystems/overlayfs.rst).
        if (!ForceXattrWhiteouts && ImagesLibc.mknod(path, (uint)ImagesLibc.S_IFCHR, 0) == 0) return;
        if (!ForceXattrWhiteouts && ImagesLibc.Errno != ImagesLibc.EPERM) ImagesLibc.CheckIo(-1, "mknod", path);
        using (new FileStream(path, FileMode.CreateNew, FileAccess.Write)) { }
        SetXattr(path, "trusted.overlay.whiteout", "y"u8);
        // "x" marks a directory holding xattr whiteouts; a fully opaque one ("y") stays so.
        if (GetXattr(parentPath, "trusted.overlay.opaque") != "y") SetXattr(parentPath, "trusted.overlay.opaque", "x"u8);
    }

    private static unsafe string? GetXattr(string path, string name)
    {
        byte* buffer = stackalloc byte[16];
        nint n = ImagesLibc.lgetxattr(path, name, buffer, 16);
        if (n >= 0) return Encoding.UTF8.GetString(buffer, (int)n);
        if (ImagesLibc.Errno == ImagesLibc.ENODATA) return null;
        ImagesLibc.CheckIo(-1, "lgetxattr " + name, path);
        return null;
    }

    private void ApplyMetadata(string path, TarEntry entry)
    {
        bool isLink = entry.EntryType == TarEntryType.SymbolicLink;
        if (_isRoot) ImagesLibc.CheckIo(ImagesLibc.lchown(path, entry.Uid, entry.Gid), "lchown", path);
        // chmod after chown: chown clears setuid/setgid. Symlinks have no mode of their own.
        if (!isLink) ImagesLibc.CheckIo(ImagesLibc.chmod(path, (uint)entry.Mode & 0xfff), "chmod", path);
        if (entry is PaxTarEntry pax)
        {
            foreach ((string key, string value) in pax.ExtendedAttributes)
            {
                if (!key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal)) continue;
                string attribute = key["SCHILY.xattr.".Length..];
                if (attribute.StartsWith("trusted.overlay.", StringComparison.Ordinal))
                    throw SafePaths.Refuse(entry.Name, $"it carries the overlayfs attribute {attribute}");
                // System.Formats.Tar decodes PAX values as UTF-8: a binary value (e.g. a file
                // capability) that was not valid UTF-8 comes back altered and is not applied.
                if (value.Contains('\uFFFD', StringComparison.Ordinal)) continue;
                if (!_isRoot && !attribute.StartsWith("user.", StringComparison.Ordinal)) continue;
                SetXattr(path, attribute, Encoding.UTF8.GetBytes(value));
            }
        }
        if (entry.EntryType != TarEntryType.Directory)
            ImagesLibc.CheckIo(ImagesLibc.set_times_nofollow(path, entry.ModificationTime), "utimensat", path);
    }

    private static unsafe void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            ImagesLibc.CheckIo(ImagesLibc.lsetxattr(path, name, p, (nuint)value.Length, 0), "lsetxattr " + name, path);
        }
    }

    private static long DefaultFreeBytes(string path)
    {
        ImagesLibc.CheckIo(ImagesLibc.statvfs_available(path, out long bytes), "statvfs", path);
        return bytes;
    }
}
