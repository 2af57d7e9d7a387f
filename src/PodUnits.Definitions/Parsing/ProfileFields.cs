using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>The shape seccompProfile and appArmorProfile share: a type of RuntimeDefault,
/// Unconfined or Localhost, and a localhostProfile (each mapper checks the latter its way).</summary>
internal static class ProfileFields
{
    private static readonly string[] Types = ["RuntimeDefault", "Unconfined", "Localhost"];

    /// <summary>The field's type and localhostProfile (with where it is written), or null
    /// when absent or already reported.</summary>
    public static (string Type, string? Localhost, YNode? At, Fields Fields, YNode Node)? Read(Fields securityContext, string field, FieldTable table, ParseContext ctx)
    {
        if (securityContext.Value(field) is not YNode node || ctx.Object(node, securityContext.PathOf(field), table) is not Fields f)
        {
            return null;
        }
        string? type = f.OneOf("type", Types);
        if (type is null)
        {
            if (f.Value("type") is null)
            {
                f.Missing("type");
            }
            return null;
        }
        return (type, f.String("localhostProfile"), f.Value("localhostProfile"), f, node);
    }
}
