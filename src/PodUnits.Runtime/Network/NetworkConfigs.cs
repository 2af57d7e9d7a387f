using PodUnits.Core.Errors;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.Runtime.Network;

/// <summary>
/// Where networks are configured: .conflist files in /etc/podunits/net.d (the
/// administrator's), /run/podunits/net.d (runtime) and /usr/lib/podunits/net.d (packaged,
/// the default `podunits` network among them). A file masks a file of the same name in a
/// later directory, as systemd's unit directories do; a network is found by the name inside
/// the file, the first in directory order and then file name order winning, so an
/// administrator overrides the packaged default by defining "podunits" in /etc.
/// </summary>
public static class NetworkConfigs
{
    public const string DefaultNetwork = "podunits";
    public static readonly string[] DefaultDirs = ["/etc/podunits/net.d", "/run/podunits/net.d", "/usr/lib/podunits/net.d"];

    /// <summary>The configuration files in effect, in lookup order.</summary>
    public static IReadOnlyList<string> Files(IReadOnlyList<string> dirs)
    {
        ArgumentNullException.ThrowIfNull(dirs);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<string>();
        foreach (string dir in dirs.Where(Directory.Exists))
        {
            foreach (string path in Directory.EnumerateFiles(dir, "*.conflist").Order(StringComparer.Ordinal))
            {
                if (seen.Add(System.IO.Path.GetFileName(path)))
                {
                    files.Add(path);
                }
            }
        }
        return files;
    }

    /// <summary>The network named <paramref name="name"/>. A file that cannot be read is an
    /// error when its file name says it is this network, and is named in the "not found"
    /// message otherwise.</summary>
    public static CniConfigList Find(string name, IReadOnlyList<string> dirs)
    {
        var unreadable = new List<string>();
        foreach (string path in Files(dirs))
        {
            try
            {
                CniConfigList list = CniConfigList.Load(path);
                if (list.Name == name)
                {
                    return list;
                }
            }
            catch (BadInputException e) when (System.IO.Path.GetFileNameWithoutExtension(path) != name)
            {
                unreadable.Add(e.Message);
            }
        }
        // libcni also reads single-plugin .conf files; PodUnits does not (a network here is
        // a list, which portmap and firewall chain onto): say so rather than pass over them.
        unreadable.AddRange(dirs.Where(Directory.Exists).SelectMany(d => Directory.EnumerateFiles(d, "*.conf")).Order(StringComparer.Ordinal)
            .Select(conf => $"{conf}: a single-plugin .conf, which PodUnits does not read (make it a .conflist whose \"plugins\" holds it)"));
        string skipped = unreadable.Count == 0 ? "" : $"; skipped {string.Join("; ", unreadable)}";
        throw new BadInputException($"network {name}",
            $"no network configuration of that name (a .conflist with \"name\": \"{name}\") in {string.Join(", ", dirs)}{skipped}");
    }
}
