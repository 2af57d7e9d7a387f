namespace PodUnits.UnitTests.Definitions;

/// <summary>Finds files of the repository (examples/, the copied corpus) from the test binary.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Corpus(string name) => Path("tests/PodUnits.UnitTests/Definitions/corpus/" + name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PodUnits.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("PodUnits.sln not found above " + AppContext.BaseDirectory);
    }
}
