using PodUnits.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace PodUnits.Images.Configuration;

/// <summary>The root mapping of a small YAML settings file (registries.yaml, registries.d),
/// read with YamlDotNet's representation model (no reflection: AOT-safe). Syntax errors are
/// one line with FILE:LINE:COLUMN; an empty file is null.</summary>
internal static class YamlSettingsFile
{
    public static YamlMappingNode? RootMapping(string yaml, string source, string expected)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new BadInputException($"{source}:{e.Start.Line}:{e.Start.Column}", e.Message);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return null;
        return stream.Documents[0].RootNode as YamlMappingNode ?? throw new BadInputException(source, $"must be a mapping with {expected}");
    }
}
