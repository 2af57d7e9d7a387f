using System.Diagnostics;
using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Confinement.Lsm;

/// <summary>
/// PodUnits' RuntimeDefault AppArmor profile, loaded on demand with apparmor_parser (the
/// tool AppArmor hosts ship; containerd and podman load theirs the same way). Written here
/// rather than shipped as a file so the profile and the code that names it cannot drift.
/// Its rules follow what container engines' default profiles deny: mounts, writes to /proc's
/// kernel knobs and to /sys, raw kernel memory, and ptrace of anything outside the profile.
/// Not exercised on this project's CI hosts, which run no LSM (docs/confinement.md).
/// </summary>
public static class AppArmorDefaultProfile
{
    public const string Name = "podunits-default";

    public const string Text = """
        #include <tunables/global>

        profile podunits-default flags=(attach_disconnected,mediate_deleted) {
          #include <abstractions/base>

          network,
          capability,
          file,
          umount,
          signal (receive) peer=unconfined,
          signal (send,receive) peer=podunits-default,
          ptrace (trace,read,tracedby,readby) peer=podunits-default,

          deny mount,
          deny @{PROC}/* w,
          deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9/]*}/** w,
          deny @{PROC}/sys/[^k]** w,
          deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,
          deny @{PROC}/sysrq-trigger rwklx,
          deny @{PROC}/kcore rwklx,
          deny @{PROC}/kmem rwklx,
          deny @{PROC}/mem rwklx,
          deny /sys/[^f]*/** wklx,
          deny /sys/f[^s]*/** wklx,
          deny /sys/fs/[^c]*/** wklx,
          deny /sys/fs/c[^g]*/** wklx,
          deny /sys/fs/cg[^r]*/** wklx,
          deny /sys/firmware/** rwklx,
          deny /sys/kernel/security/** rwklx,
        }
        """;

    /// <summary>Loads the profile unless the kernel has this very text of it already: one this
    /// boot loaded from <paramref name="directory"/> (a tmpfs, gone at reboot). A profile of
    /// that name loaded otherwise (an older PodUnits' text after an upgrade, or an
    /// administrator's relaxed one) is replaced, not trusted by its name.</summary>
    public static void EnsureLoaded(Func<string, bool> loaded, string directory = "/run/podunits/apparmor")
    {
        ArgumentNullException.ThrowIfNull(loaded);
        string path = $"{directory}/{Name}";
        Directory.CreateDirectory(directory);
        // Check, write, parse and (on failure) delete under one lock: autostart pods of one
        // boot all get here at once, and one's rewrite truncated the file another's parser
        // was reading, or one's failure deleted the file another had just loaded
        // (confinement review of 2026-12-07, finding 5). Under the lock a failed load may
        // delete the profile file itself: no other start is between its write and its parse.
        using var held = Core.Native.FileLock.Exclusive($"{directory}/.lock");
        if (loaded(Name) && File.Exists(path) && File.ReadAllText(path) == Text)
        {
            return;
        }
        WriteProfile(directory);
        var info = new ProcessStartInfo(Core.Linux.HostTools.AppArmorParser, ["--replace", "--write-cache", path]) { RedirectStandardError = true };
        try
        {
            using Process parser = Process.Start(info)!;
            string error = parser.StandardError.ReadToEnd();
            parser.WaitForExit();
            if (parser.ExitCode != 0)
            {
                File.Delete(path); // not loaded: the next start tries again
                throw new PodUnitsException($"AppArmor profile {Name}", $"apparmor_parser failed: {error.Trim()}");
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            File.Delete(path);
            throw new PodUnitsException($"AppArmor profile {Name}", "apparmor_parser is not installed (Debian: apparmor), so the RuntimeDefault profile cannot be loaded");
        }
    }

    /// <summary>Writes <see cref="Text"/> to a temporary file and renames it into place, so
    /// the profile file is never seen empty or half written, whoever else reads it.</summary>
    internal static void WriteProfile(string directory)
    {
        string path = $"{directory}/{Name}";
        string temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        try
        {
            File.WriteAllText(temporary, Text);
            File.Move(temporary, path, overwrite: true); // rename(2): atomic in one directory
        }
        finally
        {
            File.Delete(temporary); // nothing left there after the rename
        }
    }

    /// <summary>Whether the kernel has a profile of that name (/sys/kernel/security/apparmor/profiles
    /// lists "NAME (MODE)" per line).</summary>
    public static bool IsLoaded(string name)
    {
        try
        {
            return File.ReadLines("/sys/kernel/security/apparmor/profiles").Any(l => l.StartsWith(name + " (", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
