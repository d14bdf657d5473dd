import { useEditorContext, type GraphiQLPlugin } from '@graphiql/react';
import type { IdeExample } from './page-config';

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M8 6h12M8 12h12M8 18h12" strokeLinecap="round" />
      <circle cx="4" cy="6" r="1" fill="currentColor" />
      <circle cx="4" cy="12" r="1" fill="currentColor" />
      <circle cx="4" cy="18" r="1" fill="currentColor" />
    </svg>
  );
}

/** A sidebar pane listing the ready-made operations; choosing one puts it in the query editor. */
export function createExamplesPlugin(examples: readonly IdeExample[], welcomeQuery: string): GraphiQLPlugin {
  const untouched = new Set([welcomeQuery.trim(), '', ...examples.map((example) => example.query.trim())]);

  function ExamplesPane() {
    const editor = useEditorContext({ nonNull: true });

    const open = (example: IdeExample) => {
      const load = () => {
        editor.queryEditor?.setValue(example.query);
        // The examples carry their variables' defaults in the operation; stale variables would override them.
        editor.variableEditor?.setValue('');
      };
      // Keep the user's own work: a query they wrote gets its tab, an example or the welcome text is replaced.
      if (untouched.has(editor.queryEditor?.getValue().trim() ?? '')) {
        load();
      } else {
        editor.addTab();
        // addTab fills the editors when React applies the new tab state; load after that.
        window.setTimeout(load, 0);
      }
    };

    return (
      <section className="ide-examples" aria-label="Ready-made operations">
        <div className="graphiql-doc-explorer-title">Examples</div>
        <p className="ide-examples-intro">Ready-made operations from the gateway's schema/examples folder. Choose one to put it in the editor, then run it.</p>
        {examples.length === 0 ? <p>No examples were found.</p> : null}
        <ul>
          {examples.map((example) => (
            <li key={example.file}>
              <button type="button" className="ide-example" data-example={example.file} onClick={() => open(example)}>
                <span className="ide-example-heading">
                  <span className="ide-example-title">{example.title}</span>
                  {example.audience ? <span className="ide-example-audience">{example.audience}</span> : null}
                </span>
                <span className="ide-example-description">{example.description}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    );
  }

  return { title: 'Ready-made operations', icon: ExamplesIcon, content: ExamplesPane };
}
