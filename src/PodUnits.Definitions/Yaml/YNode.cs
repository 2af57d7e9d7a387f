namespace PodUnits.Definitions.Yaml;

/// <summary>A YAML node with the position it started at. Our own small tree (built from
/// YamlDotNet's parser events) rather than YamlDotNet's representation model, so that it
/// carries exactly what validation needs: position, scalar style (a quoted "80" is a string,
/// a plain 80 a number) and the expanded size that bounds alias bombs.</summary>
internal abstract class YNode(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    /// <summary>Nodes this one stands for with aliases expanded (itself included).</summary>
    public long ExpandedSize { get; set; } = 1;

    public abstract string KindName { get; }
}

internal sealed class YScalar(int line, int column, string value, bool plain) : YNode(line, column)
{
    public string Value { get; } = value;

    /// <summary>Plain (unquoted, untagged) scalars are resolved by the YAML core schema:
    /// 80 is a number, true a boolean, ~ null. Quoted ones are always strings.</summary>
    public bool IsPlain { get; } = plain;

    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsNull ? "null" : "a scalar";
}

internal sealed class YMapping(int line, int column) : YNode(line, column)
{
    public List<KeyValuePair<YNode, YNode>> Entries { get; } = [];

    public override string KindName => "a mapping";
}

internal sealed class YSequence(int line, int column) : YNode(line, column)
{
    public List<YNode> Items { get; } = [];

    public override string KindName => "a list";
}
