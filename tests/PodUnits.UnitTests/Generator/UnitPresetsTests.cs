using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>The preset reader against systemd 252's reading of systemd.preset(5): rule syntax, the first
/// match across files, template instance lists, fnmatch globs, and which files Load reads in what order.
/// The glob cases' expected values are what glibc's fnmatch(FNM_NOESCAPE) answers, and the Load cases
/// were checked against `systemctl --root=DIR preset` of systemd 252.</summary>
public sealed class UnitPresetsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-presets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void CommentsBlankAndUnknownLinesAreIgnored()
    {
        UnitPresets presets = Parse("""
            # disable *
            ; disable *
               # indented comment

            enabled a.service
            disablea.service
            frobnicate b.service
            enable
            disable a.service
            """);
        Assert.Equal(PresetAction.Disable, presets.Query("a.service"));
        Assert.Equal("f0.preset:9", presets.RuleSource("a.service"));
        Assert.Null(presets.Query("b.service"));
    }

    [Fact]
    public void EnableAndDisable()
    {
        UnitPresets presets = Parse("enable a.service\n  disable\t b.service  \n");
        Assert.Equal(PresetAction.Enable, presets.Query("a.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("b.service"));
    }

    [Fact]
    public void FirstMatchWinsAcrossFiles()
    {
        UnitPresets presets = Parse("enable a.service\ndisable *\n", "disable a.service\nenable b.service\n");
        Assert.Equal(PresetAction.Enable, presets.Query("a.service"));
        Assert.Equal("f0.preset:1", presets.RuleSource("a.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("b.service"));
        Assert.Equal("f0.preset:2", presets.RuleSource("b.service"));
    }

    [Fact]
    public void InstanceListMatchesOnlyItsInstances()
    {
        UnitPresets presets = Parse("enable pod@.service web db\ndisable pod@*\n");
        Assert.Equal(PresetAction.Enable, presets.Query("pod@web.service"));
        Assert.Equal(PresetAction.Enable, presets.Query("pod@db.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("pod@other.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("pod@web.socket"));
        Assert.Equal(PresetAction.Enable, presets.Query("pod@.service"));
    }

    [Fact]
    public void TemplateRuleWithoutInstancesDoesNotMatchInstances()
    {
        UnitPresets presets = Parse("enable pod@.service\n");
        Assert.Null(presets.Query("pod@web.service"));
        Assert.Equal(PresetAction.Enable, presets.Query("pod@.service"));
    }

    [Fact]
    public void InstancesAfterANameThatIsNoTemplateDropTheLine()
    {
        UnitPresets presets = Parse("enable a.service web\nenable pod@*.service web\nenable pod@.service\tweb\n");
        Assert.Null(presets.Query("a.service"));
        Assert.Equal("f0.preset:3", presets.RuleSource("pod@web.service"));
    }

    [Fact]
    public void DisableTakesTheRestOfTheLineAsOnePattern()
    {
        UnitPresets presets = Parse("disable a.service b.service\n");
        Assert.Null(presets.Query("a.service"));
        Assert.Null(presets.Query("b.service"));
    }

    [Fact]
    public void WildcardMatchesEveryUnit()
    {
        UnitPresets presets = Parse("disable *\n");
        Assert.Equal(PresetAction.Disable, presets.Query("a.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("pod@web.socket"));
        Assert.Equal(PresetAction.Disable, presets.Query("multi-user.target"));
    }

    [Fact]
    public void NoMatchingRuleIsNullNotEnable()
    {
        Assert.Null(Parse().Query("a.service"));
        UnitPresets presets = Parse("enable b.service\ndisable c*\n");
        Assert.Null(presets.Query("a.service"));
        Assert.Null(presets.RuleSource("a.service"));
    }

    [Theory]
    [InlineData("a*.service", "a.service", true)]
    [InlineData("a*.service", "ab.service", true)]
    [InlineData("a?.service", "a.service", false)]
    [InlineData("a?.service", "ab.service", true)]
    [InlineData("*.socket", "a.service", false)]
    [InlineData("a*b*c.service", "axxbyyc.service", true)]
    [InlineData("a*b*c.service", "axxbyy.service", false)]
    [InlineData("pod@*.service", "pod@web.service", true)]
    [InlineData("a.service", "A.service", false)]
    [InlineData("[ab].service", "b.service", true)]
    [InlineData("[ab].service", "c.service", false)]
    [InlineData("[a-c]x.service", "bx.service", true)]
    [InlineData("[a-c]x.service", "dx.service", false)]
    [InlineData("[!a-c]x.service", "dx.service", true)]
    [InlineData("[!a-c]x.service", "bx.service", false)]
    [InlineData("[^a-c]x.service", "dx.service", true)]
    [InlineData("[^a-c]x.service", "bx.service", false)]
    [InlineData("[]a]x.service", "ax.service", true)]
    [InlineData("[a-]x.service", "-x.service", true)]
    [InlineData("[[:digit:]]x.service", "1x.service", true)]
    [InlineData("[[:digit:]]x.service", "ax.service", false)]
    [InlineData("[[:foo:]a]x.service", "ax.service", false)]
    [InlineData("[a[:foo:]]x.service", "ax.service", true)]
    [InlineData("[ab.service", "a.service", false)]
    // Once 'd' matched, glibc skips the rest without ranges and ends at the class's "]"; 'i' matches
    // only after the range '\'-'[' was read, so there the expression ends at ":]" and "]x" must follow.
    [InlineData("[d\\-[:digit:]]x.service", "dx.service", true)]
    [InlineData("[d\\-[:digit:]]x.service", "ix.service", false)]
    public void GlobMatchesAsFnmatchDoes(string pattern, string unit, bool matches)
    {
        Assert.Equal(matches ? PresetAction.Disable : (PresetAction?)null, Parse($"disable {pattern}\n").Query(unit));
    }

    [Theory]
    [InlineData("a\\x2d*.service", "a\\x2db.service", true)]
    [InlineData("a\\*.service", "ab.service", false)]
    [InlineData("a\\*.service", "a\\b.service", true)]
    public void BackslashIsALiteralCharacter(string pattern, string unit, bool matches)
    {
        Assert.Equal(matches ? PresetAction.Disable : (PresetAction?)null, Parse($"disable {pattern}\n").Query(unit));
    }

    [Fact]
    public void LinesEndAndAreCountedAsSystemdDoes()
    {
        UnitPresets presets = Parse("disable a.service\r\ndisable b.service\rdisable c.service\n\n\rdisable x.service\0disable y.service\n\0disable z.service");
        Assert.Equal(
            new[] { "f0.preset:1", "f0.preset:2", "f0.preset:3", "f0.preset:5", "f0.preset:6", "f0.preset:7" },
            new[] { "a", "b", "c", "x", "y", "z" }.Select(u => presets.RuleSource(u + ".service")));
    }

    [Fact]
    public void ByteOrderMarkIsPartOfTheFirstLine()
    {
        UnitPresets presets = Parse("\uFEFFdisable a.service\ndisable b.service\n");
        Assert.Null(presets.Query("a.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("b.service"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a.nonsense")]
    [InlineData("@a.service")]
    [InlineData("a b.service")]
    [InlineData("a*.service")]
    public void InvalidUnitNamesAreRefused(string unit)
    {
        Assert.Throws<ArgumentException>(() => Parse("disable *\n").Query(unit));
    }

    [Fact]
    public void SameNameInAHigherPriorityDirectoryShadowsTheLowerFile()
    {
        Write("etc/50-x.preset", "disable a.service\n");
        Write("usr/50-x.preset", "enable a.service\ndisable b.service\n");
        UnitPresets presets = Load();
        Assert.Equal(PresetAction.Disable, presets.Query("a.service"));
        Assert.Equal(Path.Combine(_root, "etc", "50-x.preset") + ":1", presets.RuleSource("a.service"));
        Assert.Null(presets.Query("b.service"));
    }

    [Fact]
    public void SymlinkToDevNullMasksTheLowerFile()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc", "60-mask.preset"), "/dev/null");
        Write("usr/60-mask.preset", "disable pod@*\n");
        Write("usr/70-other.preset", "disable a.service\n");
        UnitPresets presets = Load();
        Assert.Null(presets.Query("pod@web.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("a.service"));
    }

    [Fact]
    public void DanglingSymlinkAndDirectoryStillClaimTheirNames()
    {
        // systemctl 252 skips the dangling link but gives up on the directory ("Is a directory"); both
        // hide the lower file of their name, and here the directory just adds no rules.
        Directory.CreateDirectory(Path.Combine(_root, "etc", "60-dir.preset"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc", "50-x.preset"), Path.Combine(_root, "missing"));
        Write("usr/50-x.preset", "disable a.service\n");
        Write("usr/60-dir.preset", "disable b.service\n");
        UnitPresets presets = Load();
        Assert.Null(presets.Query("a.service"));
        Assert.Null(presets.Query("b.service"));
    }

    [Fact]
    public void FilesAreReadInFileNameOrderAcrossDirectories()
    {
        Write("etc/50-admin.preset", "enable c.service\ndisable b.service\n");
        Write("run/10-runtime.preset", "enable b.service\n");
        Write("usr/05-vendor.preset", "disable c.service\n");
        UnitPresets presets = Load();
        Assert.Equal(PresetAction.Disable, presets.Query("c.service"));
        Assert.Equal(Path.Combine(_root, "usr", "05-vendor.preset") + ":1", presets.RuleSource("c.service"));
        Assert.Equal(PresetAction.Enable, presets.Query("b.service"));
    }

    [Fact]
    public void OnlyVisiblePresetFilesAreRead()
    {
        Write("etc/x.conf", "disable *\n");
        Write("etc/.hidden.preset", "disable *\n");
        Write("etc/x.preset.orig", "disable *\n");
        Write("usr/90-default.preset", "disable b.service\n");
        UnitPresets presets = Load();
        Assert.Null(presets.Query("a.service"));
        Assert.Equal(PresetAction.Disable, presets.Query("b.service"));
    }

    [Fact]
    public void MissingDirectoriesAreFine()
    {
        Write("usr/90-default.preset", "disable *\n");
        Assert.Equal(PresetAction.Disable, Load().Query("a.service"));
        Assert.Null(UnitPresets.Load([Path.Combine(_root, "nowhere")]).Query("a.service"));
    }

    [Fact]
    public void SystemDirectoriesAreSystemdsInPriorityOrder()
    {
        Assert.Equal(
            new[] { "/etc/systemd/system-preset", "/run/systemd/system-preset", "/usr/local/lib/systemd/system-preset", "/usr/lib/systemd/system-preset" },
            UnitPresets.SystemDirectories);
    }

    private static UnitPresets Parse(params string[] texts) =>
        UnitPresets.Parse(texts.Select((text, i) => ($"f{i}.preset", text)));

    private UnitPresets Load() =>
        UnitPresets.Load(new[] { "etc", "run", "usr" }.Select(directory => Path.Combine(_root, directory)));

    private void Write(string relativePath, string text)
    {
        string path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
