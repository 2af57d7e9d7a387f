using System.Text;

namespace PodUnits.Generator;

/// <summary>
/// `podunits generate` without --dir: what the generator wrote into a directory, as text,
/// in the manner of Quadlet's -dryrun. Each file follows a <c># PATH</c> line (its path in
/// the output directory) and a blank line; each link is one <c># PATH -> TARGET</c> line. In
/// path order, so that two runs over the same definitions print the same text.
/// </summary>
/// <remarks>/work/shared/DESIGN.md fixes the verb as <c>generate [--dir DIR]</c>; a default
/// directory of systemd's own (/run/systemd/generator) is systemd's to fill at daemon-reload,
/// and a dry run must not change what the next reload or boot sees (CLI review of
/// 2026-12-07, finding 3).</remarks>
public static class GeneratorListing
{
    public static void Write(string directory, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var root = new DirectoryInfo(directory);
        var entries = root.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(e => e is FileInfo || e.LinkTarget is not null) // a directory shows in its files' paths
            .Select(e => (Path: Path.GetRelativePath(root.FullName, e.FullName), Entry: e))
            .OrderBy(e => e.Path, StringComparer.Ordinal);
        bool first = true;
        foreach ((string path, FileSystemInfo entry) in entries)
        {
            if (!first)
            {
                output.Write('\n');
            }
            first = false;
            if (entry.LinkTarget is { } target)
            {
                output.Write($"# {path} -> {target}\n");
                continue;
            }
            string text = File.ReadAllText(entry.FullName, Encoding.UTF8);
            output.Write($"# {path}\n{text}{(text.Length == 0 || text.EndsWith('\n') ? "" : "\n")}");
        }
    }
}
