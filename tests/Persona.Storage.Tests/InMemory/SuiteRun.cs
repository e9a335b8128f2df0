using System.Globalization;
using System.Reflection;
using Persona.Storage.TestKit;

namespace Persona.Storage.Tests.InMemory;

/// <summary>
/// Runs every test of a conformance suite (each fact, and each inline row of each theory) on fresh instances made
/// by a factory, outside the test runner, and names those that fail: how a test shows that the suite fails a
/// broken backend without the runner reporting the failures as its own.
/// </summary>
internal static class SuiteRun
{
    public static List<string> Failures(Func<StoreTestBase> create)
    {
        var type = TypeOf(create);
        var failures = new List<string>();
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttributes<FactAttribute>().Any()).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var rows = method.GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(method)).DefaultIfEmpty([]);
            foreach (var args in rows)
            {
                var name = args.Length == 0 ? method.Name : $"{method.Name}({string.Join(", ", args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)))})";
                var suite = create();
                try
                {
                    method.Invoke(suite, args);
                }
                catch (TargetInvocationException)
                {
                    failures.Add(name);
                }
                finally
                {
                    suite.Dispose();
                }
            }
        }

        return failures;
    }

    private static Type TypeOf(Func<StoreTestBase> create)
    {
        var suite = create();
        suite.Dispose();
        return suite.GetType();
    }
}
