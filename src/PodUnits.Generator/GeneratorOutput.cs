using System.Text;
using PodUnits.Core.Native;

namespace PodUnits.Generator;

/// <summary>
/// Writes what the generator produces for one pod into a generator output directory
/// (systemd.generator(7): the "normal" directory, below /etc and above /usr):
/// pod@NAME.service.d/50-podunits.conf and, for autostart pods,
/// multi-user.target.wants/pod@NAME.service pointing at the template unit; for a
/// socket-activated pod (podunits.io/listen) pod@NAME.socket and, with autostart,
/// sockets.target.wants/pod@NAME.socket instead: the pod then starts on demand, not at boot.
/// </summary>
/// <remarks>Generators run on every boot and daemon-reload, so the files are written with
/// plain open/write/close: .NET's FileStream adds flock, fstat, ftruncate and lseek calls per
/// file, which were a third of the generator's time over 1,000 pods (bench/, generator).</remarks>
public sealed class GeneratorOutput
{
    /// <summary>Where pod@.service is installed (docs/design.md, "Installed layout").</summary>
    public const string TemplateUnitPath = "/usr/lib/systemd/system/pod@.service";

    private const int O_WRONLY = 0x1;
    private const int O_CREAT = 0x40;
    private const int O_TRUNC = 0x200;
    private const int O_NOFOLLOW = 0x20000;

    /// <summary>Where `systemctl mask` (and `mask --runtime`) puts its /dev/null links.</summary>
    public static readonly IReadOnlyList<string> MaskDirectories = ["/etc/systemd/system", "/run/systemd/system"];

    private readonly string _directory;
    private readonly IReadOnlyList<string> _maskDirectories;
    private readonly HashSet<string> _wantsCreated = new(StringComparer.Ordinal);

    /// <param name="maskDirectories">Where a masked unit's /dev/null link is looked for; null:
    /// <see cref="MaskDirectories"/>.</param>
    public GeneratorOutput(string directory, IReadOnlyList<string>? maskDirectories = null)
    {
        _directory = directory;
        _maskDirectories = maskDirectories ?? MaskDirectories;
    }

    public static string UnitName(string podName) => Core.Naming.PodUnitNames.Service(podName);

    public void Write(PodUnitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string unit = UnitName(settings.PodName);
        string dropInDirectory = Path.Combine(_directory, unit + ".d");
        Directory.CreateDirectory(dropInDirectory);
        WriteFile(Path.Combine(dropInDirectory, DropInRenderer.FileName), DropInRenderer.Render(settings));

        if (settings.SocketActivated)
        {
            string socket = Core.Naming.PodUnitNames.Socket(settings.PodName);
            WriteFile(Path.Combine(_directory, socket), SocketUnitRenderer.Render(settings));
            // A masked service: systemd refuses to start a socket whose service is masked, so
            // the link only left a failed pod@NAME.socket at every boot after the `systemctl
            // mask pod@NAME` packaging.md tells administrators to use (generator review of
            // 2026-12-07, finding 5). A plain readlink, no D-Bus: a generator may do it.
            if (settings.Autostart && !IsMasked(unit))
            {
                Link("sockets.target.wants", socket, Path.Combine("..", socket));
            }
        }
        else if (settings.Autostart)
        {
            Link("multi-user.target.wants", unit, TemplateUnitPath);
        }
    }

    /// <summary>A running pod's saved files (<see cref="RunningPodSettings"/>), as
    /// <see cref="Write"/> wrote them for the definition it started from. No wants link: it
    /// steers only the next boot, when /run starts empty and the definition must load anyway.</summary>
    public void WriteSaved(string podName, SavedUnitFiles saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        string dropInDirectory = Path.Combine(_directory, UnitName(podName) + ".d");
        Directory.CreateDirectory(dropInDirectory);
        WriteFile(Path.Combine(dropInDirectory, DropInRenderer.FileName), saved.DropIn);
        if (saved.Socket is not null)
        {
            WriteFile(Path.Combine(_directory, Core.Naming.PodUnitNames.Socket(podName)), saved.Socket);
        }
    }

    /// <summary>Removes whatever <see cref="Write"/> wrote for <paramref name="podName"/>
    /// before it failed; best effort, as what could not be written may not be removable
    /// either.</summary>
    public void Remove(string podName)
    {
        string unit = UnitName(podName);
        string socket = Core.Naming.PodUnitNames.Socket(podName);
        string[] files =
        [
            Path.Combine(_directory, unit + ".d", DropInRenderer.FileName),
            Path.Combine(_directory, socket),
            Path.Combine(_directory, "sockets.target.wants", socket),
            Path.Combine(_directory, "multi-user.target.wants", unit),
        ];
        foreach (string file in files)
        {
            try
            {
                if (!Directory.Exists(file) || new FileInfo(file).LinkTarget is not null)
                {
                    File.Delete(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // left as it is; the error already reported says why the pod has no units
            }
        }
    }

    /// <summary>Whether <paramref name="unit"/> is masked: a link to /dev/null in /etc or /run.</summary>
    private bool IsMasked(string unit) =>
        _maskDirectories.Any(d => new FileInfo(Path.Combine(d, unit)).LinkTarget == "/dev/null");

    private void Link(string wantsDirectory, string unit, string target)
    {
        string wants = Path.Combine(_directory, wantsDirectory);
        if (_wantsCreated.Add(wantsDirectory))
        {
            Directory.CreateDirectory(wants);
        }
        string link = Path.Combine(wants, unit);
        try
        {
            File.CreateSymbolicLink(link, target);
        }
        catch (IOException) when (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
        {
            // Only for `podunits generate --dir` into a used directory: systemd hands
            // generators empty ones.
            File.Delete(link);
            File.CreateSymbolicLink(link, target);
        }
    }

    private static unsafe void WriteFile(string path, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int fd = Check.Io(LibcExtra.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | LibcExtra.O_CLOEXEC, 0x1a4), "open", path);
        try
        {
            fixed (byte* start = bytes)
            {
                int done = 0;
                while (done < bytes.Length)
                {
                    long n = Check.Io((long)LibcExtra.write(fd, start + done, (nuint)(bytes.Length - done)), "write", path);
                    done += (int)n;
                }
            }
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }
}
