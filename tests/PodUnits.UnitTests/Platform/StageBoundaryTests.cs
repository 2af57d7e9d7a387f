using System.Reflection;
using System.Xml.Linq;
using PodUnits.Runtime.Executor;
using Xunit;

namespace PodUnits.UnitTests.Platform;

/// <summary>
/// Stage 1 (podunits-stage1, what runs while a pod runs) must not contain the planning code:
/// definitions, YAML, images, plan building (docs/process-model.md, "Two executables").
/// The boundary is the project graph, so that stage 1's size follows from its references
/// and not from what the trimmer happens to remove.
/// </summary>
public class StageBoundaryTests
{
    private static readonly string[] Stage0Only = ["PodUnits.Definitions", "PodUnits.Images", "PodUnits.Planning", "PodUnits.Generator", "PodUnits.Cli", "PodUnits.Logging", "YamlDotNet", "Serilog"];

    [Fact]
    public void Stage1sProjectGraphHasNoneOfTheStage0Projects()
    {
        IReadOnlySet<string> graph = ProjectClosure("src/PodUnits.Stage1/PodUnits.Stage1.csproj");
        Assert.Contains("PodUnits.Runtime", graph); // the closure was really walked
        Assert.Empty(graph.Intersect(Stage0Only));
    }

    [Fact]
    public void TheRuntimeAssemblyReferencesNoneOfTheStage0Assemblies()
    {
        string[] references = [.. typeof(PodExecutor).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.Contains("PodUnits.Core", references);
        Assert.Empty(references.Intersect(Stage0Only));
    }

    [Fact]
    public void ThePlanningAssemblyIsWhereStage0Begins()
    {
        Assembly planning = typeof(PodUnits.Planning.Stage0).Assembly;
        string[] references = [.. planning.GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.Contains("PodUnits.Definitions", references);
        Assert.Contains("PodUnits.Runtime", references);
    }

    /// <summary>The names of every project <paramref name="project"/> references, transitively
    /// (ProjectReference items), and of its package references.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(RepoRoot.Path, project)]);
        while (pending.TryPop(out string? path))
        {
            XDocument xml = XDocument.Load(path);
            foreach (XElement item in xml.Descendants("PackageReference"))
            {
                seen.Add((string)item.Attribute("Include")!);
            }
            foreach (XElement item in xml.Descendants("ProjectReference"))
            {
                string referenced = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, (string)item.Attribute("Include")!));
                if (seen.Add(Path.GetFileNameWithoutExtension(referenced)))
                {
                    pending.Push(referenced);
                }
            }
        }
        return seen;
    }
}
