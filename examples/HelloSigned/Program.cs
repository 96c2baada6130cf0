// The example BuildSign's demo builds and signs: a Windows x64 apphost and its assembly.
Console.WriteLine("Hello from a signed build.");
