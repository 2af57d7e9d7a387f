using System.Globalization;
using System.Text;
using PodUnits.Core.Identity;
using PodUnits.Definitions;

namespace PodUnits.Cli.Refresh;

/// <summary>The definitions and configuration files as they are on disk now.</summary>
internal static class DefinitionInventory
{
    /// <summary>Where standalone ConfigMaps and Secrets live (docs/design.md): each layer's
    /// configmaps/ and secrets/ directory.</summary>
    public static readonly IReadOnlyList<string> ConfigDirectories =
        [.. ((string[])["/etc/podunits", "/run/podunits", "/usr/lib/podunits"]).SelectMany(root => (string[])[$"{root}/configmaps", $"{root}/secrets"])];

    /// <summary>Every pod name with the file that wins for it and that file's SHA-256; in
    /// <paramref name="unreadable"/> the files that cannot be hashed (larger than a definition
    /// may be, not a regular file, a dangling symlink, unreadable), with why. One such file
    /// must not stop the refresh of every other pod, as it does not stop the generator
    /// (generator review of 2026-12-06, finding 4).</summary>
    public static Dictionary<string, DefinitionOnDisk> Definitions(PodDefinitionSearchPath searchPath,
        out List<(string Pod, string File, string Why)> unreadable)
    {
        ArgumentNullException.ThrowIfNull(searchPath);
        var found = new Dictionary<string, DefinitionOnDisk>(StringComparer.Ordinal);
        unreadable = [];
        foreach ((string name, string file) in searchPath.All())
        {
            try
            {
                found[name] = new(Path.GetFullPath(file), PodDefinitionSearchPath.HashOf(file));
            }
            catch (Exception e) when (e is Core.Errors.PodUnitsException or IOException or UnauthorizedAccessException)
            {
                unreadable.Add((name, Path.GetFullPath(file), e is Core.Errors.PodUnitsException p ? p.Why : e.Message));
            }
        }
        return found;
    }

    /// <summary>A digest of every ConfigMap and Secret file's path, size and modification time:
    /// it changes when a package (or anyone) adds, removes or rewrites one. Contents stay out,
    /// so no digest of a secret's value is ever written down.</summary>
    public static string ConfigDigest(IEnumerable<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var text = new StringBuilder();
        foreach (string dir in directories.Where(Directory.Exists))
        {
            foreach (string file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                text.Append(CultureInfo.InvariantCulture, $"{file}\0{info.Length}\0{info.LastWriteTimeUtc.Ticks}\n");
            }
        }
        return Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>When a ConfigMap or Secret file last changed: the newest modification time of
    /// the directories (a package manager renames each file into place, and removes files,
    /// both of which touch the directory; the files keep the package's build time) and of the
    /// files (an edit in place).</summary>
    public static DateTime LastConfigChangeUtc(IEnumerable<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        DateTime newest = DateTime.MinValue;
        foreach (string dir in directories.Where(Directory.Exists))
        {
            newest = new[] { newest, Directory.GetLastWriteTimeUtc(dir) }.Max();
            foreach (string file in Directory.EnumerateFiles(dir))
            {
                newest = new[] { newest, File.GetLastWriteTimeUtc(file) }.Max();
            }
        }
        return newest;
    }
}
