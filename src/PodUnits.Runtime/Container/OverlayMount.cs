using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Container;

/// <summary>
/// A container's overlayfs, made with the file system context API (fsopen(2), fsconfig(2),
/// fsmount(2)) and one <c>lowerdir+</c> per layer (Linux 6.8). mount(2) takes its options as
/// one string of at most a page, and an image's layer directories overran it at about 40
/// layers; each <c>lowerdir+</c> value is a string of its own, so an image may have as many
/// layers as overlayfs stacks (500), and a layer path needs no escaping. On an older kernel
/// (<c>lowerdir+</c> unknown: EINVAL) the option string of mount(2) is used, and an image
/// whose layers do not fit is refused with what it needs.
/// </summary>
internal static class OverlayMount
{
    private const int Einval = 22;
    private const int OptionsMax = 4095; // mount(2) copies one page of options, NUL included

    /// <param name="lowerDirs">Layer directories, top first (overlayfs' order).</param>
    /// <param name="attributes">MOUNT_ATTR_* flags of the new mount (nodev).</param>
    public static void Create(string target, IReadOnlyList<string> lowerDirs, string upper, string work, ulong attributes)
    {
        ArgumentNullException.ThrowIfNull(lowerDirs);
        using var context = new Fd(Check.Io(LibcExtra.fsopen("overlay", LibcExtra.FSOPEN_CLOEXEC), "fsopen", "overlay"));
        if (LibcExtra.fsconfig(context.Value, LibcExtra.FSCONFIG_SET_STRING, "lowerdir+", lowerDirs[0]) != 0)
        {
            if (Tmds.Linux.LibC.errno != Einval)
            {
                throw Failed(context.Value, "lowerdir+", lowerDirs[0]);
            }
            WithOptionString(target, lowerDirs, upper, work, attributes);
            return;
        }
        for (int i = 1; i < lowerDirs.Count; i++)
        {
            Set(context.Value, "lowerdir+", lowerDirs[i]);
        }
        Set(context.Value, "upperdir", upper);
        Set(context.Value, "workdir", work);
        if (LibcExtra.fsconfig(context.Value, LibcExtra.FSCONFIG_CMD_CREATE, null, null) != 0)
        {
            throw Failed(context.Value, "create", target);
        }
        using var mount = new Fd(Check.Io(LibcExtra.fsmount(context.Value, LibcExtra.FSMOUNT_CLOEXEC, attributes), "fsmount", target));
        Check.Io(LibcExtra.move_mount(mount.Value, "", LibcExtra.AT_FDCWD, target, LibcExtra.MOVE_MOUNT_F_EMPTY_PATH), "move_mount", target);
    }

    /// <summary>mount(2) with the classic option string, for kernels before 6.8.</summary>
    private static void WithOptionString(string target, IReadOnlyList<string> lowerDirs, string upper, string work, ulong attributes)
    {
        string options = $"lowerdir={string.Join(':', lowerDirs)},upperdir={upper},workdir={work}";
        if (System.Text.Encoding.UTF8.GetByteCount(options) > OptionsMax)
        {
            throw new PodUnitsException(target,
                $"the image's {lowerDirs.Count} layers do not fit in mount(2)'s overlayfs options on this kernel; images of this many layers need Linux 6.8 (overlayfs lowerdir+)");
        }
        ulong flags = (attributes & LibcExtra.MOUNT_ATTR_NODEV) != 0 ? LibcExtra.MS_NODEV : 0;
        Mount.Fresh("overlay", target, "overlay", flags, options);
    }

    private static void Set(int context, string key, string value)
    {
        if (LibcExtra.fsconfig(context, LibcExtra.FSCONFIG_SET_STRING, key, value) != 0)
        {
            throw Failed(context, key, value);
        }
    }

    /// <summary>The failed call's errno, with the kernel's own words from the context's
    /// message log when it left some (for example "overlayfs: failed to resolve ...").</summary>
    private static PodUnitsException Failed(int context, string key, string value)
    {
        var call = new NativeCallException($"fsconfig overlay {key}", Tmds.Linux.LibC.errno, value);
        string said = KernelMessages(context);
        return new PodUnitsException($"overlay {key} {value}", said.Length == 0 ? call.Why : said, inner: call);
    }

    private static unsafe string KernelMessages(int context)
    {
        var messages = new List<string>();
        byte* buffer = stackalloc byte[512];
        for (int i = 0; i < 8; i++)
        {
            nint n = LibcExtra.read(context, buffer, 512);
            if (n <= 0)
            {
                break; // ENODATA: the log is empty
            }
            // "e text", "w text" or "i text": the level, a space, the message.
            string line = System.Text.Encoding.UTF8.GetString(buffer, (int)n).TrimEnd('\n');
            messages.Add(line.Length > 2 ? line[2..] : line);
        }
        return string.Join("; ", messages);
    }
}
