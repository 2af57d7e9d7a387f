using System.Text.Json.Nodes;
using PodUnits.Core.Errors;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CniConfigList.Parse: what a .conflist must hold before any plugin runs from it, and
/// PluginConfig: the configuration each plugin gets on stdin.</summary>
public sealed class CniConfigListTests
{
    private const string Path = "/etc/podunits/net.d/lab.conflist";

    private static string List(string name = "\"lab\"", string version = "\"1.0.0\"", string plugins = "[{\"type\": \"bridge\"}]") =>
        $$"""{"name": {{name}}, "cniVersion": {{version}}, "plugins": {{plugins}}}""";

    private static BadInputException Bad(string text) => Assert.Throws<BadInputException>(() => CniConfigList.Parse(Path, text));

    [Fact]
    public void ValidListIsReadWithItsTextAndPlugins()
    {
        string text = """
            {
              // comments are allowed, as libcni's parser allows them
              "name": "lab",
              "cniVersion": "0.4.0",
              "disableCheck": true,
              "plugins": [
                {"type": "bridge", "bridge": "lab0"},
                {"type": "portmap", "capabilities": {"portMappings": true}}
              ]
            }
            """;
        CniConfigList list = CniConfigList.Parse(Path, text);
        Assert.Equal(Path, list.Path);
        Assert.Equal(text, list.Text);
        Assert.Equal("lab", list.Name);
        Assert.Equal("0.4.0", list.CniVersion);
        Assert.True(list.DisableCheck);
        Assert.Equal(["bridge", "portmap"], list.PluginTypes);
        Assert.Equal("lab0", (string)list.Plugins[0]["bridge"]!);
    }

    [Theory]
    [InlineData("0.3.0")]
    [InlineData("0.3.1")]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public void EverySupportedVersionIsAccepted(string version)
    {
        CniConfigList list = CniConfigList.Parse(Path, List(version: $"\"{version}\""));
        Assert.Equal(version, list.CniVersion);
        Assert.False(list.DisableCheck);
    }

    [Fact]
    public void JsonSyntaxErrorsNameTheFileLineAndColumn()
    {
        // Line 3 lacks the comma after "lab": the parser stops at the next quote, column 3.
        BadInputException e = Bad("{\n  \"name\": \"lab\"\n  \"cniVersion\": \"1.0.0\"\n}");
        Assert.StartsWith($"{Path}:3:3: not valid JSON: ", e.Message, StringComparison.Ordinal);
        Assert.Equal($"{Path}:3:3", e.What);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonErrorColumnsCountCharactersNotBytes()
    {
        // "é" is two bytes in UTF-8; the missing comma is after the 16th character of line 1.
        BadInputException e = Bad("{\"name\": \"réseau\" \"cniVersion\": \"1.0.0\"}");
        Assert.StartsWith($"{Path}:1:19: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedJsonIsASyntaxErrorOnItsLastLine()
    {
        BadInputException e = Bad("{\"name\": \"lab\",\n\"plugins\": [");
        Assert.StartsWith($"{Path}:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains(": not valid JSON: ", e.Message, StringComparison.Ordinal);
    }


    [Theory]
    [InlineData("""{"name": "lab", "name": "lab", "cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]}""")]
    [InlineData("""{"name": "lab", "cniVersion": "1.0.0", "plugins": [{"type": "bridge", "type": "bridge"}]}""")]
    public void DuplicateKeysAreABadInputNotACrash(string text)
    {
        // Whatever the JSON library makes of a repeated key, it must not escape as an
        // ArgumentException: NetworkConfigs.Find catches only BadInputException.
        Exception? e = Record.Exception(() => CniConfigList.Parse(Path, text));
        Assert.True(e is null or BadInputException, $"unexpected {e?.GetType().Name}: {e?.Message}");
    }

    [Theory]
    [InlineData("[]", "a network configuration list must be a JSON object")]
    [InlineData("\"lab\"", "a network configuration list must be a JSON object")]
    [InlineData("null", "a network configuration list must be a JSON object")]
    [InlineData("""{"cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]}""", "name: a string is required")]
    [InlineData("""{"name": 5, "cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]}""", "name: a string is required")]
    [InlineData("""{"name": "lab", "plugins": [{"type": "bridge"}]}""", "cniVersion: a string is required")]
    [InlineData("""{"name": "lab", "cniVersion": 1, "plugins": [{"type": "bridge"}]}""", "cniVersion: a string is required")]
    public void StructureErrorsNameTheFile(string text, string why)
    {
        BadInputException e = Bad(text);
        Assert.Equal($"{Path}: {why}", e.Message);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("-lab", "must start with a letter or a digit")]
    [InlineData("lab net", "may contain only letters, digits, '_', '.' and '-'")]
    [InlineData("lab/../x", "may contain only letters, digits, '_', '.' and '-'")]
    public void InvalidNamesAreRefused(string name, string why)
    {
        Assert.Equal($"{Path}: name \"{name}\" is not a valid network name: {why}", Bad(List(name: $"\"{name}\"")).Message);
    }

    [Fact]
    public void NamesOfSixtyFourCharactersAreTheLimit()
    {
        string ok = "n" + new string('1', 63);
        Assert.Equal(ok, CniConfigList.Parse(Path, List(name: $"\"{ok}\"")).Name);
        Assert.Equal($"{Path}: name \"{ok}x\" is not a valid network name: must be at most 64 characters (has 65)",
            Bad(List(name: $"\"{ok}x\"")).Message);
    }

    [Fact]
    public void ValidNameCharactersAreAccepted()
    {
        Assert.Equal("Lab_1.net-2", CniConfigList.Parse(Path, List(name: "\"Lab_1.net-2\"")).Name);
    }

    [Theory]
    [InlineData("0.2.0")]
    [InlineData("1.0")]
    [InlineData("1.1.0")]
    [InlineData("")]
    public void UnsupportedVersionsAreRefusedWithTheSupportedOnes(string version)
    {
        Assert.Equal($"{Path}: cniVersion \"{version}\" is not supported (PodUnits speaks 0.3.0, 0.3.1, 0.4.0, 1.0.0)",
            Bad(List(version: $"\"{version}\"")).Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("\"bridge\"")]
    [InlineData("null")]
    public void PluginsMustBeANonEmptyList(string plugins)
    {
        Assert.Equal($"{Path}: plugins: must be a list of at least one plugin configuration", Bad(List(plugins: plugins)).Message);
    }

    [Fact]
    public void MissingPluginsIsAnError()
    {
        Assert.Equal($"{Path}: plugins: must be a list of at least one plugin configuration",
            Bad("""{"name": "lab", "cniVersion": "1.0.0"}""").Message);
    }

    [Theory]
    [InlineData("""[{"type": "bridge"}, "portmap"]""", "plugins[1]: must be an object")]
    [InlineData("""[null]""", "plugins[0]: must be an object")]
    [InlineData("""[{"type": "bridge"}, {"type": ""}]""", "plugins[1].type: \"\" is not a plugin name (a file name in the plugin directories)")]
    [InlineData("""[{"type": "/usr/bin/sh"}]""", "plugins[0].type: \"/usr/bin/sh\" is not a plugin name (a file name in the plugin directories)")]
    [InlineData("""[{"type": "../../bin/sh"}]""", "plugins[0].type: \"../../bin/sh\" is not a plugin name (a file name in the plugin directories)")]
    [InlineData("""[{"type": "."}]""", "plugins[0].type: \".\" is not a plugin name (a file name in the plugin directories)")]
    [InlineData("""[{"type": ".."}]""", "plugins[0].type: \"..\" is not a plugin name (a file name in the plugin directories)")]
    public void PluginEntriesMustBeObjectsWithAFileNameType(string plugins, string why)
    {
        Assert.Equal($"{Path}: {why}", Bad(List(plugins: plugins)).Message);
    }

    [Theory]
    [InlineData("""[{"bridge": "lab0"}]""", "plugins[0]: type: a string is required")]
    [InlineData("""[{"type": "bridge"}, {"type": 3}]""", "plugins[1]: type: a string is required")]
    public void PluginTypeIsRequired(string plugins, string why)
    {
        Assert.Equal($"{Path}: {why}", Bad(List(plugins: plugins)).Message);
    }

    [Fact]
    public void DotsInsideATypeAreAFileName()
    {
        Assert.Equal(["my.plugin", "..hidden"], CniConfigList.Parse(Path, List(plugins: """[{"type": "my.plugin"}, {"type": "..hidden"}]""")).PluginTypes);
    }

    private static readonly string ChainText = """
        {
          "name": "lab",
          "cniVersion": "1.0.0",
          "plugins": [
            {"type": "bridge", "name": "mine", "cniVersion": "0.3.1", "bridge": "lab0"},
            {"type": "portmap", "capabilities": {"portMappings": true, "bandwidth": true, "ipRanges": false, "mac": "yes"}},
            {"type": "firewall", "capabilities": {"portMappings": true, "bandwidth": true, "ipRanges": false, "mac": "yes", "dns": true}}
          ]
        }
        """;

    private static Dictionary<string, JsonNode> Capabilities() => new(StringComparer.Ordinal)
    {
        ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = 8080, ["containerPort"] = 80, ["protocol"] = "tcp" }),
        ["ipRanges"] = new JsonArray(),
        ["mac"] = "02:00:00:00:00:01",
        ["dns"] = new JsonObject { ["servers"] = new JsonArray("10.0.0.1") },
    };

    [Fact]
    public void PluginConfigSetsTheListsNameAndVersion()
    {
        CniConfigList list = CniConfigList.Parse(Path, ChainText);
        JsonObject config = list.PluginConfig(0, Capabilities(), prevResult: null);
        Assert.Equal("""{"type":"bridge","name":"lab","cniVersion":"1.0.0","bridge":"lab0"}""", config.ToJsonString());
    }

    [Fact]
    public void RuntimeConfigHoldsOnlyCapabilitiesDeclaredTrueAndProvided()
    {
        CniConfigList list = CniConfigList.Parse(Path, ChainText);
        JsonObject config = list.PluginConfig(1, Capabilities(), prevResult: null);
        // bandwidth is declared but not provided; ipRanges declared false; mac not a boolean;
        // dns provided but not declared.
        Assert.Equal("""{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}""", config["runtimeConfig"]!.ToJsonString());
        Assert.False(config.ContainsKey("prevResult"));
        Assert.Equal("lab", (string)config["name"]!);
        Assert.Equal("1.0.0", (string)config["cniVersion"]!);
    }

    [Fact]
    public void RuntimeConfigIsLeftOutWhenNothingApplies()
    {
        CniConfigList list = CniConfigList.Parse(Path, ChainText);
        Assert.False(list.PluginConfig(1, new Dictionary<string, JsonNode>(StringComparer.Ordinal), null).ContainsKey("runtimeConfig"));
        Assert.False(list.PluginConfig(0, Capabilities(), null).ContainsKey("runtimeConfig"));
    }

    [Fact]
    public void SeveralCapabilitiesAreAllPassed()
    {
        CniConfigList list = CniConfigList.Parse(Path, ChainText);
        JsonObject runtime = (JsonObject)list.PluginConfig(2, Capabilities(), null)["runtimeConfig"]!;
        Assert.Equal(["portMappings", "dns"], runtime.Select(p => p.Key));
    }

    [Fact]
    public void PrevResultIsACopy()
    {
        CniConfigList list = CniConfigList.Parse(Path, ChainText);
        var previous = new JsonObject { ["cniVersion"] = "1.0.0", ["ips"] = new JsonArray(new JsonObject { ["address"] = "10.1.0.2/24" }) };
        JsonObject config = list.PluginConfig(1, Capabilities(), previous);
        Assert.Equal(previous.ToJsonString(), config["prevResult"]!.ToJsonString());
        previous["cniVersion"] = "changed";
        Assert.Equal("1.0.0", (string)config["prevResult"]!["cniVersion"]!);
    }

    [Fact]
    public void PluginConfigNeverChangesTheListOrTheRuntimeValues()
    {
        CniConfigList list = CniConfigList.Parse(Path, ChainText);
        Dictionary<string, JsonNode> capabilities = Capabilities();
        JsonObject first = list.PluginConfig(1, capabilities, new JsonObject { ["cniVersion"] = "1.0.0" });
        first["runtimeConfig"]!["portMappings"]!.AsArray().Clear();
        first["type"] = "changed";
        JsonObject second = list.PluginConfig(1, capabilities, null);
        Assert.Equal("portmap", (string)second["type"]!);
        Assert.Single(second["runtimeConfig"]!["portMappings"]!.AsArray());
        Assert.False(list.Plugins[1].ContainsKey("name"));
        Assert.False(list.Plugins[1].ContainsKey("runtimeConfig"));
        Assert.False(list.Plugins[1].ContainsKey("prevResult"));
        Assert.Single(capabilities["portMappings"].AsArray());
    }

    [Fact]
    public void LoadReportsAnUnreadableFile()
    {
        using var dir = new TempDir();
        string missing = System.IO.Path.Join(dir.Path, "none.conflist");
        BadInputException e = Assert.Throws<BadInputException>(() => CniConfigList.Load(missing));
        Assert.StartsWith($"{missing}: cannot read the network configuration: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadParsesTheFile()
    {
        using var dir = new TempDir();
        string path = dir.Write("lab.conflist", List());
        CniConfigList list = CniConfigList.Load(path);
        Assert.Equal(path, list.Path);
        Assert.Equal("lab", list.Name);
    }
}
