using System.Globalization;
using PodUnits.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// TEMPORARY: reads the Pod fields the runtime needs with YamlDotNet's node model (AOT-safe),
/// until PodUnits.Definitions (issue 3) provides the loader and the validator. No field
/// policy here: unknown fields are ignored.
/// </summary>
public static class TemporaryPodLoader
{
    public static PodSpecLite Load(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new BadInputException($"{path}:{e.Start.Line}:{e.Start.Column}", e.Message);
        }
        catch (IOException e)
        {
            throw new BadInputException(path, e.Message);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new BadInputException(path, "expected one YAML document holding a Pod");
        }
        string fileName = Path.GetFileNameWithoutExtension(path);
        string name = Str(Map(root, "metadata"), "name") ?? fileName;
        YamlMappingNode spec = Map(root, "spec") ?? throw new BadInputException(path, "spec is missing");
        YamlMappingNode? dnsConfig = Map(spec, "dnsConfig");
        YamlMappingNode? podSecurity = Map(spec, "securityContext");
        return new PodSpecLite(
            name,
            Str(spec, "hostname"),
            Bool(spec, "hostNetwork") ?? false,
            (int?)Int(spec, "terminationGracePeriodSeconds"),
            Str(spec, "dnsPolicy"),
            Strings(dnsConfig, "nameservers") ?? [],
            Strings(dnsConfig, "searches") ?? [],
            [.. Seq(spec, "hostAliases").Select(a => (Str(a, "ip") ?? "", (IReadOnlyList<string>)(Strings(a, "hostnames") ?? [])))],
            Int(podSecurity, "runAsUser"),
            Int(podSecurity, "runAsGroup"),
            [.. Seq(spec, "volumes").Select(Volume)],
            [.. Seq(spec, "initContainers").Select(Container)],
            [.. Seq(spec, "containers").Select(Container)]);
    }

    private static VolumeLite Volume(YamlMappingNode v)
    {
        YamlMappingNode? empty = Map(v, "emptyDir");
        bool hasEmpty = v.Children.ContainsKey(new YamlScalarNode("emptyDir"));
        return new VolumeLite(Str(v, "name") ?? "", Str(Map(v, "hostPath"), "path"), hasEmpty,
            string.Equals(Str(empty, "medium"), "Memory", StringComparison.Ordinal), Str(empty, "sizeLimit"));
    }

    private static ContainerLite Container(YamlMappingNode c)
    {
        YamlMappingNode? sc = Map(c, "securityContext");
        YamlMappingNode? caps = Map(sc, "capabilities");
        YamlMappingNode? limits = Map(Map(c, "resources"), "limits");
        YamlMappingNode? probe = Map(c, "readinessProbe");
        return new ContainerLite(
            Str(c, "name") ?? "",
            Str(c, "image") ?? "",
            Strings(c, "command"),
            Strings(c, "args"),
            [.. Seq(c, "env").Select(e => (Str(e, "name") ?? "", Str(e, "value") ?? ""))],
            Str(c, "workingDir"),
            [.. Seq(c, "volumeMounts").Select(m => (Str(m, "name") ?? "", Str(m, "mountPath") ?? "", Bool(m, "readOnly") ?? false))],
            Str(limits, "memory"),
            Str(limits, "cpu"),
            Int(sc, "runAsUser"),
            Int(sc, "runAsGroup"),
            Bool(sc, "readOnlyRootFilesystem") ?? false,
            Bool(sc, "privileged") ?? false,
            Bool(sc, "allowPrivilegeEscalation"),
            Strings(caps, "add") ?? [],
            Strings(caps, "drop") ?? [],
            Strings(Map(probe, "exec"), "command"),
            (int?)Int(Map(probe, "tcpSocket"), "port"),
            (int?)Int(probe, "periodSeconds"));
    }

    private static YamlNode? Get(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? v) ? v : null;

    private static YamlMappingNode? Map(YamlMappingNode? map, string key) => Get(map, key) as YamlMappingNode;

    private static string? Str(YamlMappingNode? map, string key) => (Get(map, key) as YamlScalarNode)?.Value;

    private static bool? Bool(YamlMappingNode? map, string key) =>
        Str(map, key) is { } s ? s is "true" or "True" or "yes" : null;

    private static long? Int(YamlMappingNode? map, string key) =>
        Str(map, key) is { } s && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null;

    private static List<string>? Strings(YamlMappingNode? map, string key) =>
        Get(map, key) is YamlSequenceNode seq ? [.. seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")] : null;

    private static IEnumerable<YamlMappingNode> Seq(YamlMappingNode? map, string key) =>
        Get(map, key) is YamlSequenceNode seq ? seq.Children.OfType<YamlMappingNode>() : [];
}
