using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>Seeded random mutations of valid manifests (lines deleted, duplicated, swapped,
/// characters changed, text truncated) never make the loader throw: every outcome is a pod or
/// diagnostics with sane positions. Deterministic: the same seeds every run.</summary>
public sealed class MutationFuzzTests
{
    private const string Significant = ":-[]{},&*!|>'\"#%@` \t\n?0aZ~.$";

    public static TheoryData<string> Sources => new()
    {
        "examples/hello.yaml",
        "examples/web.yaml",
        "tests/PodUnits.UnitTests/Definitions/corpus/init-containers.yaml",
        "tests/PodUnits.UnitTests/Definitions/corpus/shared-volume.yaml",
        "tests/PodUnits.UnitTests/Definitions/corpus/tcp-liveness-readiness.yaml",
    };

    public static TheoryData<string> CorpusSources => new(
        Directory.GetFiles(RepoFiles.Corpus(""), "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => "tests/PodUnits.UnitTests/Definitions/corpus/" + Path.GetFileName(f))
            .Where(f => !f.EndsWith("init-containers.yaml", StringComparison.Ordinal)
                && !f.EndsWith("shared-volume.yaml", StringComparison.Ordinal)
                && !f.EndsWith("tcp-liveness-readiness.yaml", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(Sources))]
    [MemberData(nameof(CorpusSources))]
    public void MutationsNeverThrow(string source)
    {
        string original = File.ReadAllText(RepoFiles.Path(source));
        int outcomes = 0;
        // PODUNITS_FUZZ_SEEDS=N runs more seeds locally; the default keeps the suite fast.
        int seeds = int.TryParse(Environment.GetEnvironmentVariable("PODUNITS_FUZZ_SEEDS"), out int n) ? n : 800;
        for (int seed = 0; seed < seeds; seed++)
        {
            var random = new Random(seed);
            string mutated = original;
            int steps = 1 + random.Next(3);
            for (int s = 0; s < steps; s++)
            {
                mutated = Mutate(mutated, random);
            }
            LoadResult result;
            try
            {
                result = PodDefinitionLoader.LoadText(mutated, "f.yaml", LoadOptions.Default with { RequireNameMatchesFile = false });
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed} of {source} threw {e}\n--- input ---\n{mutated}");
                return;
            }
            Assert.Equal(result.Pod is null, result.Diagnostics.Any(d => d.IsError));
            Assert.All(result.Diagnostics, d =>
            {
                Assert.True(d.Line >= 1 && d.Column >= 1, $"seed {seed}: bad position in {d}");
                Assert.Equal("f.yaml", d.File);
                Assert.False(string.IsNullOrWhiteSpace(d.Message));
            });
            outcomes += result.IsValid ? 0 : 1;
        }
        Assert.True(outcomes > 100, "the mutations should break most files");
    }

    private static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        switch (random.Next(6))
        {
            case 0 when lines.Count > 1:
                lines.RemoveAt(random.Next(lines.Count));
                return string.Join('\n', lines);
            case 1:
                int dup = random.Next(lines.Count);
                lines.Insert(dup, lines[dup]);
                return string.Join('\n', lines);
            case 2:
                int a = random.Next(lines.Count), b = random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join('\n', lines);
            case 3 when text.Length > 0:
                int at = random.Next(text.Length);
                return text[..at] + Significant[random.Next(Significant.Length)] + text[(at + 1)..];
            case 4:
                int ins = random.Next(text.Length + 1);
                return text[..ins] + Significant[random.Next(Significant.Length)] + text[ins..];
            default:
                return text[..random.Next(text.Length + 1)];
        }
    }
}
