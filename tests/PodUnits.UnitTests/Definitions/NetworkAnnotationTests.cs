using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>The podunits.io/network annotation: a CNI network name, kept with its position.</summary>
public sealed class NetworkAnnotationTests
{
    /// <summary>The annotation's key is on line 6, column 5.</summary>
    private static string Pod(string annotation, string hostNetwork = "false") => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: x
          annotations:
            podunits.io/network: {annotation}
        spec:
          hostNetwork: {hostNetwork}
          containers:
          - name: a
            image: busybox
        """;

    [Theory]
    [InlineData("lab", "lab")]
    [InlineData("\"podunits\"", "podunits")]
    [InlineData("Lab_1.net-2", "Lab_1.net-2")]
    [InlineData("0net", "0net")]
    public void AValidNameIsTheNetworkWithItsPosition(string annotation, string name)
    {
        LoadResult result = PodDefinitionLoader.LoadText(Pod(annotation), "x.yaml");
        Assert.Empty(result.Diagnostics);
        PodDefinition pod = result.GetPodOrThrow();
        Assert.Equal(new NetworkChoice(name, 6, 5), pod.Network);
        Assert.Equal(name, pod.Annotations["podunits.io/network"]);
    }

    [Fact]
    public void SixtyFourCharactersAreTheLimit()
    {
        string name = "n" + new string('0', 63);
        Assert.Equal(name, PodDefinitionLoader.LoadText(Pod(name), "x.yaml").GetPodOrThrow().Network!.Name);
        Assert.Equal([$"x.yaml:6:5: error: metadata.annotations.podunits.io/network: \"{name}x\" is not a valid network name: must be at most 64 characters (has 65)"],
            DefinitionErrorTests.Diagnose(Pod(name + "x")));
    }

    [Fact]
    public void WithoutTheAnnotationThereIsNoNetworkChoice()
    {
        string yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: x
              annotations: {podunits.io/description: plain}
            spec:
              containers: [{name: a, image: busybox}]
            """;
        Assert.Null(PodDefinitionLoader.LoadText(yaml, "x.yaml").GetPodOrThrow().Network);
    }

    [Theory]
    [InlineData("\"\"", "\"\" is not a valid network name: must not be empty")]
    [InlineData("-lab", "\"-lab\" is not a valid network name: must start with a letter or a digit")]
    [InlineData(".lab", "\".lab\" is not a valid network name: must start with a letter or a digit")]
    [InlineData("lab/x", "\"lab/x\" is not a valid network name: may contain only letters, digits, '_', '.' and '-'")]
    [InlineData("\"lab net\"", "\"lab net\" is not a valid network name: may contain only letters, digits, '_', '.' and '-'")]
    [InlineData("réseau", "\"réseau\" is not a valid network name: may contain only letters, digits, '_', '.' and '-'")]
    public void AnInvalidNameIsAnErrorAtTheAnnotation(string annotation, string why)
    {
        Assert.Equal([$"x.yaml:6:5: error: metadata.annotations.podunits.io/network: {why}"], DefinitionErrorTests.Diagnose(Pod(annotation)));
    }

    [Fact]
    public void TheAnnotationAndHostNetworkAreExclusive()
    {
        Assert.Equal(["x.yaml:6:5: error: metadata.annotations.podunits.io/network: the pod has hostNetwork: true and so no network of its own; remove one of the two"],
            DefinitionErrorTests.Diagnose(Pod("lab", hostNetwork: "true")));
    }

    [Fact]
    public void AnInvalidNameWithHostNetworkIsReportedOnce()
    {
        Assert.Equal(["x.yaml:6:5: error: metadata.annotations.podunits.io/network: \"a b\" is not a valid network name: may contain only letters, digits, '_', '.' and '-'"],
            DefinitionErrorTests.Diagnose(Pod("\"a b\"", hostNetwork: "true")));
    }

    [Fact]
    public void TheDnsAnnotationTakesOnlyNone()
    {
        string yaml = Pod("lab").Replace("podunits.io/network: lab", "podunits.io/dns: \"off\"", StringComparison.Ordinal);
        Assert.Equal(["x.yaml:6:5: error: metadata.annotations.podunits.io/dns: must be \"none\" (the images' own resolv.conf), found \"off\""],
            DefinitionErrorTests.Diagnose(yaml));
    }

    [Fact]
    public void AMisspelledAnnotationIsUnknown()
    {
        string yaml = Pod("lab").Replace("podunits.io/network", "podunits.io/netwrok", StringComparison.Ordinal);
        Assert.Equal(["x.yaml:6:5: error: metadata.annotations: unknown PodUnits annotation \"podunits.io/netwrok\"; did you mean \"podunits.io/network\"?"],
            DefinitionErrorTests.Diagnose(yaml));
    }

    [Fact]
    public void FlowStyleAnnotationsGiveTheKeysPosition()
    {
        string yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: x, annotations: {podunits.io/autostart: "true", podunits.io/network: lab}}
            spec: {containers: [{name: a, image: busybox}]}
            """;
        PodDefinition pod = PodDefinitionLoader.LoadText(yaml, "x.yaml").GetPodOrThrow();
        Assert.Equal(new NetworkChoice("lab", 3, 66), pod.Network);
        Assert.True(pod.Autostart);
    }
}
