using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>
/// Golden tests: each golden/NAME.yaml is a definition, NAME.expected what the generator
/// must make of it — comment lines "# wants: yes|no" (the multi-user.target.wants link) and
/// "# error: ..." (a diagnostic it must report), the rest the exact drop-in text (lines
/// starting "# (" are notes for the reader and are not compared). GOLDEN stands for the
/// folder. All files run in one generator pass, so a bad file must not stop the others.
/// </summary>
public sealed class GeneratorGoldenTests : IDisposable
{
    /// <summary>A fixed host machine ID, so the derived POD_ID and CONTAINER_* fields are stable text.</summary>
    private const string HostMachineId = "0123456789abcdef0123456789abcdef";
    private static readonly string Golden = Path.Combine(RepoRoot.Path, "tests/PodUnits.UnitTests/Generator/golden");
    private readonly string _output = Directory.CreateTempSubdirectory("podunits-gen-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    public static TheoryData<string> Cases() =>
        [.. Directory.GetFiles(Golden, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order()];

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputMatchesExpectation(string name)
    {
        var stderr = new StringWriter();
        int status;
        using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
        {
            status = PodGenerator.Run(new PodDefinitionSearchPath([Golden]), _output, log, HostMachineId);
        }
        Assert.Equal(1, status); // broken.yaml is in the same folder

        string[] expected = File.ReadAllLines(Path.Combine(Golden, name + ".expected"))
            .Select(l => l.Replace("GOLDEN", Golden, StringComparison.Ordinal)).ToArray();
        string dropIn = Path.Combine(_output, $"pod@{name}.service.d", DropInRenderer.FileName);
        string wants = Path.Combine(_output, "multi-user.target.wants", $"pod@{name}.service");

        foreach (string error in expected.Where(l => l.StartsWith("# error: ", StringComparison.Ordinal)))
        {
            Assert.Contains("podunits-generator: " + error["# error: ".Length..], stderr.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(dropIn), "an invalid definition gets no drop-in");
        }
        if (expected.Contains("# wants: yes"))
        {
            Assert.Equal(GeneratorOutput.TemplateUnitPath, new FileInfo(wants).LinkTarget);
        }
        if (expected.Contains("# wants: no"))
        {
            Assert.False(File.Exists(wants) || new FileInfo(wants).LinkTarget is not null);
        }
        string[] text = expected.Where(l => !l.StartsWith("# wants:", StringComparison.Ordinal)
            && !l.StartsWith("# error:", StringComparison.Ordinal) && !l.StartsWith("# (", StringComparison.Ordinal)).ToArray();
        if (text.Length > 0)
        {
            Assert.Equal(string.Join('\n', text) + "\n", File.ReadAllText(dropIn));
        }
    }
}
