// The console app of the examples: a Windows x64 apphost, its assembly, and the library it uses,
// all signed while `dotnet build` runs.
Console.WriteLine(Greetings.Greeting.For("a signed build"));
