package audit

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// Every Action constant declared in this package is in Actions() (the
// list the audit view filters by), once, and no two share a value.
func TestActionsListsEveryConstant(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[Action]string{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, sp := range g.Specs {
					vs := sp.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Action" {
						continue
					}
					for i, n := range vs.Names {
						v, err := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
						if err != nil {
							t.Fatal(err)
						}
						if other, dup := declared[Action(v)]; dup {
							t.Errorf("%s and %s are both %q", n.Name, other, v)
						}
						declared[Action(v)] = n.Name
					}
				}
			}
		}
	}
	if len(declared) < 20 {
		t.Fatalf("only %d actions found: the parse is wrong", len(declared))
	}
	listed := map[Action]bool{}
	for _, a := range Actions() {
		if listed[a] {
			t.Errorf("%q listed twice", a)
		}
		listed[a] = true
		if _, ok := declared[a]; !ok {
			t.Errorf("%q listed but not declared", a)
		}
	}
	for v, name := range declared {
		if !listed[v] {
			t.Errorf("%s (%q) is missing from Actions()", name, v)
		}
	}
}

func TestStampTakesTheActorFromTheContext(t *testing.T) {
	ctx := WithActor(context.Background(), Actor{Kind: KindCLI, Name: "anna"})
	e := Stamp(ctx, Entry{Action: OrderViewed})
	if e.ActorKind != KindCLI || e.Actor != "anna" {
		t.Fatalf("%+v", e)
	}
	e = Stamp(ctx, Entry{Actor: "admin@10.0.0.1", Action: OrderViewed})
	if e.ActorKind != KindCLI || e.Actor != "admin@10.0.0.1" {
		t.Fatalf("a name handed down is kept: %+v", e)
	}
	if e := Stamp(context.Background(), Entry{}); e.ActorKind != KindUnknown {
		t.Fatalf("no actor must not pass for system: %+v", e)
	}
}
