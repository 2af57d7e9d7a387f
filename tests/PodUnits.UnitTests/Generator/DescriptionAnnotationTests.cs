using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>podunits.io/description becomes Description= of the pod's drop-in: it must stay
/// one literal line of the unit file (tour F: a trailing backslash swallowed the generator's
/// next line, a NUL cut the value, escape sequences reached systemctl's output).</summary>
public sealed class DescriptionAnnotationTests
{
    private static string Yaml(string description) =>
        $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    podunits.io/description: {description}\nspec:\n  containers:\n  - {{name: a, image: busybox}}\n";

    [Theory]
    [InlineData("\"x\\u0000y\"", "control characters other than line breaks and tabs are not allowed")]
    [InlineData("\"red \\e[31m\"", "control characters other than line breaks and tabs are not allowed")]
    [InlineData("'ends with a backslash \\'", "must not end with a backslash (it would continue the unit file's line)")]
    public void WhatWouldBreakTheUnitFileIsAnErrorAtTheAnnotation(string description, string why)
    {
        Assert.Equal([$"p.yaml:6:5: error: metadata.annotations.podunits.io/description: {why}"],
            PodDefinitionLoader.LoadText(Yaml(description), "p.yaml").Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void LineBreaksBecomeSpacesAndPercentSignsStayLiteral()
    {
        PodDefinition pod = PodDefinitionLoader.LoadText(Yaml("\"web\\nserver\\tat 100% \\\\ here\""), "/etc/podunits/pods/p.yaml").GetPodOrThrow();
        string dropIn = DropInRenderer.Render(PodUnitSettingsMapper.Map(pod, "/etc/podunits/pods/p.yaml", null));
        Assert.Contains("\nDescription=web server at 100%% \\ here\n", dropIn, StringComparison.Ordinal);
    }
}
