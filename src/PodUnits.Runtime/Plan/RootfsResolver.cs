using System.Diagnostics;
using PodUnits.Core.Errors;
using PodUnits.Runtime.State;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// TEMPORARY until PodUnits.Images (issue 7) lands: an image is either <c>dir:/abs/path</c>
/// (a root filesystem directory) or <c>busybox</c>/<c>busybox:TAG</c>, served by a root
/// filesystem built once from the host's busybox-static.
/// </summary>
public static class RootfsResolver
{
    public sealed record Image(string RootDir, IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Cmd,
        IReadOnlyList<string> Env);

    public static Image Resolve(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.StartsWith("dir:", StringComparison.Ordinal))
        {
            string dir = reference[4..];
            if (!Path.IsPathRooted(dir) || !Directory.Exists(dir))
            {
                throw new BadInputException($"image {reference}", "not a root filesystem directory (dir: needs an absolute path)");
            }
            return new Image(dir, null, null, [$"PATH={CommandResolver.DefaultPath}"]);
        }
        string repo = reference.StartsWith("docker.io/library/", StringComparison.Ordinal) ? reference[18..] : reference;
        if (repo == "busybox" || repo.StartsWith("busybox:", StringComparison.Ordinal))
        {
            return new Image(EnsureBusybox(), null, ["sh"], [$"PATH={CommandResolver.DefaultPath}"]);
        }
        throw new PodUnitsException($"image {reference}", "not found (only dir:/path and busybox images are available until the image store lands)");
    }

    private static string EnsureBusybox()
    {
        string target = $"{PodPaths.RootfsRoot}/busybox";
        if (File.Exists($"{target}/bin/busybox"))
        {
            return target;
        }
        const string host = "/bin/busybox";
        if (!File.Exists(host))
        {
            throw new PodUnitsException("image busybox", "/bin/busybox is missing (install busybox-static)");
        }
        // Build beside the target, then rename: a half-built rootfs is never used.
        string temp = $"{target}.tmp-{Environment.ProcessId}";
        Directory.CreateDirectory($"{temp}/bin");
        foreach (string d in new[] { "proc", "sys", "dev", "run", "tmp", "etc", "root", "home", "var", "usr/bin", "sbin" })
        {
            Directory.CreateDirectory($"{temp}/{d}");
        }
        File.Copy(host, $"{temp}/bin/busybox");
        foreach (string applet in ListApplets(host))
        {
            string link = $"{temp}/bin/{applet}";
            if (applet != "busybox" && !File.Exists(link))
            {
                File.CreateSymbolicLink(link, "busybox");
            }
        }
        File.WriteAllText($"{temp}/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
        File.WriteAllText($"{temp}/etc/group", "root:x:0:\nnobody:x:65534:\n");
        try
        {
            Directory.Move(temp, target);
        }
        catch (IOException) when (File.Exists($"{target}/bin/busybox"))
        {
            Directory.Delete(temp, recursive: true); // another pod built it first
        }
        return target;
    }

    private static List<string> ListApplets(string busybox)
    {
        // Process.Start forks and execs in native code: safe from .NET (FACTS.md).
        var info = new ProcessStartInfo(busybox, "--list") { RedirectStandardOutput = true, UseShellExecute = false };
        using Process p = Process.Start(info) ?? throw new PodUnitsException("image busybox", "cannot run /bin/busybox --list");
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
